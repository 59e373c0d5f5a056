/**
 * One agent's panel: drawn from the run's plan before the agent starts (greyed, with its task and
 * what it waits for), then its status badge, live text, and its errors and retries as readable
 * notes (the raw code and message folded away under "details").
 */
import type { AgentView } from "@edge-stream/client";
import type { ErrorPayload, PlannedAgent } from "../protocol/events";
import { el } from "./dom";
import { describeAgentError, errorDetail } from "./error-text";
import { agentLabel, type PanelStatus, panelBadge, toneOf } from "./labels";

/** A readable note with the raw error folded under it. */
export function errorNote(sentence: string, error: ErrorPayload): HTMLLIElement {
  const tone = error.will_retry ? "warn" : "bad";
  const details = el("details", {}, el("summary", {}, "details"), el("code", {}, errorDetail(error)));
  return el("li", { "data-tone": tone }, el("span", {}, sentence), " ", details);
}

function waitsFor(plan: Pick<PlannedAgent, "uses">): string {
  return plan.uses.length ? `Starts after ${plan.uses.map(agentLabel).join(", ")}` : "Starts first";
}

export class AgentPanel {
  readonly root: HTMLElement;
  #plan: PlannedAgent | undefined;
  #badge = el("span", { class: "badge" });
  #task = el("p", { class: "task" });
  #notes = el("ol", { class: "notes", "aria-label": "Errors and retries" });
  #text: HTMLElement;
  #meta = el("p", { class: "meta" });
  #notesShown = 0;

  /** `plan` is the agent as run_start announced it; undefined for an agent the plan did not list. */
  constructor(name: string, plan?: PlannedAgent) {
    this.#plan = plan;
    const titleId = `agent-${name}-title`;
    this.#text = el("p", { class: "text", "data-agent-text": name });
    const heading = el("h3", { id: titleId }, agentLabel(name));
    if (plan && !plan.required) heading.append(" ", el("small", { class: "optional" }, "optional"));
    this.root = el(
      "article",
      { class: "agent", "data-agent": name, "aria-labelledby": titleId },
      el("header", {}, heading, this.#badge),
      this.#task,
      this.#notes,
      this.#text,
      this.#meta,
    );
  }

  update(agent: AgentView | undefined, status: PanelStatus): void {
    this.root.dataset.status = status;
    this.#badge.dataset.tone = toneOf(status);
    this.#badge.textContent = panelBadge(status);
    this.#task.textContent = agent?.task || this.#plan?.task || "";
    const text = agent?.text ?? "";
    if (this.#text.textContent !== text) this.#text.textContent = text;
    if (!agent) {
      this.#meta.textContent = status === "planned" && this.#plan ? waitsFor(this.#plan) : "Never started";
      return;
    }
    this.#meta.textContent = `${agent.model || "—"} · ${agent.text.length} chars`;
    for (const error of agent.errors.slice(this.#notesShown)) {
      this.#notes.append(errorNote(describeAgentError(error), error));
    }
    this.#notesShown = agent.errors.length;
  }
}
