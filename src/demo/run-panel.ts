/**
 * Renders a run's reconstructed view: status, progress bar, and one panel per agent whose text
 * fills in live, with its status badge and its errors and retries shown in place. Rendering is
 * batched to one pass per animation frame, however many events arrive in between.
 */
import type { AgentView, RunStream } from "edge-stream/client";
import { byId, el, humanize, perFrame } from "./dom";

interface AgentPanel {
  root: HTMLElement;
  badge: HTMLElement;
  task: HTMLElement;
  notes: HTMLOListElement;
  text: HTMLElement;
  meta: HTMLElement;
  notesShown: number;
}

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
  #stats = { events: byId("stat-events"), lastId: byId("stat-last-id"), reconnects: byId("stat-reconnects") };
  #delivered = 0;
  #reconnects = 0;
  #run: RunStream | undefined;
  #schedule = perFrame(() => this.render());

  /** Clears the panel and follows `run`. */
  attach(run: RunStream): void {
    this.#run = run;
    this.#panels.clear();
    this.#agents.replaceChildren();
    this.#runErrors.replaceChildren();
    this.#delivered = 0;
    this.#reconnects = 0;
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
    this.#status.textContent = view.status;
    this.#status.dataset.status = view.status;
    document.body.dataset.runStatus = view.status;
    document.body.dataset.integrity = run.integrity;
    document.body.dataset.lastEventId = String(run.lastEventId);
    this.#stats.events.textContent = String(this.#delivered);
    this.#stats.lastId.textContent = String(run.lastEventId);
    this.#stats.reconnects.textContent = String(this.#reconnects);
    const percent = view.progress?.percent ?? 0;
    this.#progress.value = percent;
    this.#progressLabel.textContent = `${percent}%`;
    this.#stage.textContent = view.progress
      ? `Step ${view.progress.completed_steps} of ${view.progress.total_steps} done · ${view.progress.stage.replace(/_/g, " ").replace(/\+/g, " + ")}`
      : view.status === "starting"
        ? "Starting…"
        : "";
    this.#integrity.dataset.integrity = run.integrity;
    this.#integrity.textContent =
      run.integrity === "verified" ? "✓ verified" : run.integrity === "failed" ? "✗ integrity error" : "";
    for (const error of view.errors.slice(this.#runErrors.children.length)) {
      this.#runErrors.append(el("li", {}, `${error.error_type}: ${error.error}`));
    }
    this.#result.hidden = view.content === "";
    this.#finalContent.textContent = view.content;
    for (const name of view.order) this.#renderAgent(view.agents[name]);
  }

  #renderAgent(agent: AgentView): void {
    let panel = this.#panels.get(agent.name);
    if (!panel) {
      panel = this.#createPanel(agent.name);
      this.#panels.set(agent.name, panel);
      this.#agents.append(panel.root);
    }
    panel.root.dataset.status = agent.status;
    panel.badge.textContent = agent.status;
    panel.task.textContent = agent.task;
    if (panel.text.textContent !== agent.text) panel.text.textContent = agent.text;
    panel.meta.textContent = `${agent.model || "—"} · ${agent.text.length} chars`;
    for (const error of agent.errors.slice(panel.notesShown)) {
      const discarded = error.discarded_chars ? `, ${error.discarded_chars} streamed characters discarded` : "";
      const next = error.will_retry ? `retrying (attempt ${error.retry_count + 1})` : "gave up";
      panel.notes.append(el("li", {}, `${error.error_type}: ${error.error} — ${next}${discarded}`));
    }
    panel.notesShown = agent.errors.length;
  }

  #createPanel(name: string): AgentPanel {
    const titleId = `agent-${name}-title`;
    const badge = el("span", { class: "badge" });
    const task = el("p", { class: "task" });
    const notes = el("ol", { class: "notes", "aria-label": "Errors and retries" });
    const text = el("p", { class: "text", "data-agent-text": name });
    const meta = el("p", { class: "meta" });
    const header = el("header", {}, el("h3", { id: titleId }, humanize(name)), badge);
    const root = el(
      "article",
      { class: "agent", "data-agent": name, "aria-labelledby": titleId },
      header,
      task,
      notes,
      text,
      meta,
    );
    return { root, badge, task, notes, text, meta, notesShown: 0 };
  }
}
