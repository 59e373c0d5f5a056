/**
 * The integrity check: what the client rebuilt from the stream must equal what the server says
 * is final. Each agent's text is compared when its `agent_complete` arrives; at `run_complete`
 * the agent summaries' lengths and the run's content are compared too.
 */
import type { AgentCompletePayload, RunCompletePayload } from "../protocol/events";
import type { AgentTexts } from "../protocol/reconstruct";
import type { IntegrityMismatch } from "./errors";

/**
 * How a run's content is made from its agents' texts: the final texts of the last one or more
 * agents to complete, joined by this separator (Nova3: the optimizer's text; Loomi: the reply,
 * then the specialist's text when there was a handoff).
 */
export const CONTENT_SEPARATOR = "\n\n";

export class IntegrityChecker {
  #mismatches: IntegrityMismatch[] = [];
  /** Agents in the order they completed. */
  #completed: string[] = [];

  /** Compares an agent's reconstructed text with the text its `agent_complete` announces. */
  agentComplete(agent: string, payload: AgentCompletePayload, texts: Readonly<AgentTexts>): void {
    const actual = texts[agent] ?? "";
    if (actual !== payload.text) {
      this.#mismatches.push({ agent, check: "agent_complete_text", expected: payload.text, actual });
    }
    this.#completed = [...this.#completed.filter((name) => name !== agent), agent];
  }

  /** Final comparison at `run_complete`; returns every mismatch found over the run. */
  runComplete(payload: RunCompletePayload, texts: Readonly<AgentTexts>): IntegrityMismatch[] {
    for (const [agent, summary] of Object.entries(payload.agents)) {
      const actual = (texts[agent] ?? "").length;
      if (summary.status === "completed" && actual !== summary.chars) {
        this.#mismatches.push({ agent, check: "summary_chars", expected: summary.chars, actual });
      }
    }
    if (payload.content !== "" && !this.#contentMatches(payload.content, texts)) {
      const last = this.#completed[this.#completed.length - 1];
      const actual = last === undefined ? "" : (texts[last] ?? "");
      this.#mismatches.push({ check: "run_content", expected: payload.content, actual });
    }
    return [...this.#mismatches];
  }

  #contentMatches(content: string, texts: Readonly<AgentTexts>): boolean {
    const parts = this.#completed.map((name) => texts[name] ?? "");
    for (let from = parts.length - 1; from >= 0; from--) {
      if (parts.slice(from).join(CONTENT_SEPARATOR) === content) return true;
    }
    return false;
  }
}
