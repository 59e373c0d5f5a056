/**
 * The integrity check: what the client rebuilt from the stream must equal what the server says
 * is final. Each agent's text is compared when its `agent_complete` arrives (with its `text`, or
 * for a long text its length and digest); at `run_complete` the agent summaries' lengths and the
 * run's content are compared too, and a content too long to be sent is rebuilt here.
 */
import type { AgentCompletePayload, RunCompletePayload } from "../../../src/protocol/events";
import type { AgentTexts } from "../../../src/protocol/reconstruct";
import { type AnnouncedText, isAnnouncedText, textDigest } from "../../../src/protocol/text-digest";
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
    if (!isAnnouncedText(actual, payload)) {
      this.#mismatches.push(
        payload.text === undefined
          ? { agent, check: "agent_complete_digest", expected: payload.digest, actual: textDigest(actual) }
          : { agent, check: "agent_complete_text", expected: payload.text, actual },
      );
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
    if (payload.content !== "" && this.contentOf(payload, texts) === undefined) {
      const last = this.#completed[this.#completed.length - 1];
      const actual = last === undefined ? "" : (texts[last] ?? "");
      this.#mismatches.push(
        payload.content === undefined
          ? { check: "run_content", expected: payload.content_digest, actual: textDigest(actual) }
          : { check: "run_content", expected: payload.content, actual },
      );
    }
    return [...this.#mismatches];
  }

  /**
   * The run's content: `payload.content` when the event carries it and the texts agree, else the
   * join of the last completed agents' texts that the announced length and digest identify;
   * undefined when no join matches.
   */
  contentOf(payload: RunCompletePayload, texts: Readonly<AgentTexts>): string | undefined {
    const announced: AnnouncedText = {
      text: payload.content,
      chars: payload.content_chars,
      digest: payload.content_digest,
    };
    const parts = this.#completed.map((name) => texts[name] ?? "");
    for (let from = parts.length - 1; from >= 0; from--) {
      const joined = parts.slice(from).join(CONTENT_SEPARATOR);
      if (isAnnouncedText(joined, announced)) return joined;
    }
    return undefined;
  }
}
