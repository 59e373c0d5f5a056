/**
 * Renders a run's reconstructed view: its status (word and tone), the integrity badge, a progress
 * bar driven by the plan and the agents' progress, run-level errors in words, the final content,
 * and one panel per planned agent, drawn from `run_start` in the plan's order and filled in live.
 * Rendering is batched to one pass per animation frame, however many events arrive in between.
 */
import type { RunStream } from "@edge-stream/client";
import type { PlannedAgent } from "../protocol/events";
import { AgentPanel, errorNote } from "./agent-panel";
import { byId, perFrame } from "./dom";
import { describeRunError } from "./error-text";
import { panelStatus, toneOf } from "./labels";
import { runProgress } from "./run-progress";

export class RunPanel {
  #agents = byId("agents");
  #progress = byId<HTMLProgressElement>("progress");
  #progressLabel = byId("progress-label");
  #stage = byId("stage");
  #status = byId("run-status");
  #integrity = byId("integrity");
  #runErrors = byId<HTMLOListElement>("run-errors");
  #result = byId("result");
  #finalContent = byId("final-content");
  #panels = new Map<string, AgentPanel>();
  #plan: PlannedAgent[] = [];
  #stats = { events: byId("stat-events"), lastId: byId("stat-last-id"), reconnects: byId("stat-reconnects") };
  #delivered = 0;
  #reconnects = 0;
  #run: RunStream | undefined;
  #schedule = perFrame(() => this.render());

  /** Clears the panel and follows `run`. */
  attach(run: RunStream): void {
    this.#run = run;
    this.#panels.clear();
    this.#plan = [];
    this.#agents.replaceChildren();
    this.#runErrors.replaceChildren();
    this.#delivered = 0;
    this.#reconnects = 0;
    run.on("run_start", (event) => {
      this.#plan = event.payload.agents;
      for (const planned of this.#plan) this.#panel(planned.name, planned);
    });
    run.on("event", () => {
      this.#delivered++;
      this.#schedule();
    });
    run.on("reconnecting", () => {
      this.#reconnects++;
      this.#schedule();
    });
    run.on("disconnected", () => this.render());
    this.render();
  }

  render(): void {
    const run = this.#run;
    if (!run) return;
    const view = run.view;
    const ended = view.status !== "starting" && view.status !== "running" && view.status !== "awaiting_input";
    this.#status.textContent = view.status;
    this.#status.dataset.status = view.status;
    this.#status.dataset.tone = toneOf(view.status);
    document.body.dataset.runStatus = view.status;
    document.body.dataset.integrity = run.integrity;
    document.body.dataset.lastEventId = String(run.lastEventId);
    this.#stats.events.textContent = String(this.#delivered);
    this.#stats.lastId.textContent = String(run.lastEventId);
    this.#stats.reconnects.textContent = String(this.#reconnects);
    const progress = runProgress(
      view,
      this.#plan.map((p) => p.name),
    );
    this.#progress.value = progress.percent;
    this.#progress.dataset.tone = toneOf(view.status);
    this.#progressLabel.textContent = `${progress.percent}%`;
    this.#stage.textContent = progress.caption;
    this.#renderIntegrity(run.integrity, view.status);
    const failedRequired = this.#plan.find((p) => p.required && view.agents[p.name]?.status === "failed")?.name;
    for (const error of view.errors.slice(this.#runErrors.children.length)) {
      this.#runErrors.append(errorNote(describeRunError(error, failedRequired), error));
    }
    this.#result.hidden = view.content === "";
    this.#result.dataset.tone = toneOf(view.status);
    this.#finalContent.textContent = view.content;
    for (const name of view.order) this.#panel(name);
    for (const [name, panel] of this.#panels) panel.update(view.agents[name], panelStatus(view.agents[name], ended));
  }

  /** Only a completed run's verified badge is green: verified says the stream is intact, not that the run succeeded. */
  #renderIntegrity(integrity: RunStream["integrity"], status: string): void {
    this.#integrity.dataset.integrity = integrity;
    if (integrity === "verified") {
      this.#integrity.textContent = "✓ verified";
      this.#integrity.dataset.tone = status === "completed" ? "ok" : "idle";
      this.#integrity.title = "Every event arrived once, in order, and the texts match the server's";
    } else if (integrity === "failed") {
      this.#integrity.textContent = "✗ integrity error";
      this.#integrity.dataset.tone = "bad";
    } else {
      this.#integrity.textContent = "";
    }
  }

  /** The agent's panel, created (and placed after the others) the first time it is asked for. */
  #panel(name: string, planned?: PlannedAgent): AgentPanel {
    let panel = this.#panels.get(name);
    if (!panel) {
      panel = new AgentPanel(name, planned);
      this.#panels.set(name, panel);
      this.#agents.append(panel.root);
    }
    return panel;
  }
}
