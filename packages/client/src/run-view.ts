/**
 * The reconstructed view of one run, built event by event in the style of the design's SSEClient:
 * `handleEvent` switches on `event_type`. Per-agent text comes from the protocol's one definition
 * of reconstruction (`applyEvent`), so discarded attempts are dropped exactly as the server means.
 */
import {
  type AgentSummary,
  type ErrorPayload,
  EVENT_TYPES,
  type Mode,
  type ProgressPayload,
  type RunState,
  type StreamEvent,
  SUPERVISOR,
} from "../../../src/protocol/events";
import { type AgentTexts, applyEvent } from "../../../src/protocol/reconstruct";

/** An agent's state as the client sees it; `retrying` = an attempt failed and another follows. */
export type AgentStatus = AgentSummary["status"] | "retrying";

export interface AgentView {
  name: string;
  status: AgentStatus;
  /** Text so far, failed attempts removed; the final text once completed. */
  text: string;
  task: string;
  model: string;
  /** One-line summary from `agent_complete`. */
  summary: string;
  /** Every `error` event of this agent, in order (failed attempts, and a final failure). */
  errors: ErrorPayload[];
}

export interface RunView {
  sessionId?: string;
  runId?: string;
  mode?: Mode;
  /** `starting` until `run_start` arrives. */
  status: "starting" | RunState;
  progress?: ProgressPayload;
  /** Agents by name, and their names in the order they started. */
  agents: Record<string, AgentView>;
  order: string[];
  /** Run-level errors (agent_source `supervisor`). */
  errors: ErrorPayload[];
  /** The run's final content, from `run_complete` (rebuilt from the agents' texts when it was too long to send). */
  content: string;
  /** Id of the last event applied. */
  lastEventId: number;
}

export function emptyView(): RunView {
  return { status: "starting", agents: {}, order: [], errors: [], content: "", lastEventId: 0 };
}

/** Applies events to a RunView, keeping the per-agent texts alongside. */
export class RunViewBuilder {
  readonly view: RunView = emptyView();
  #texts: AgentTexts = {};

  /** Reconstructed text per agent (same values as `view.agents[name].text`). */
  get texts(): Readonly<AgentTexts> {
    return this.#texts;
  }

  #agent(name: string): AgentView {
    let agent = this.view.agents[name];
    if (!agent) {
      agent = { name, status: "running", text: "", task: "", model: "", summary: "", errors: [] };
      this.view.agents[name] = agent;
      this.view.order.push(name);
    }
    return agent;
  }

  handleEvent(event: StreamEvent): void {
    const view = this.view;
    view.lastEventId = event.id;
    applyEvent(this.#texts, event);
    switch (event.event_type) {
      case EVENT_TYPES.RUN_START:
        view.runId = event.run_id;
        view.mode = event.payload.mode;
        view.status = "running";
        break;
      case EVENT_TYPES.AGENT_START: {
        const agent = this.#agent(event.agent_source);
        agent.status = "running";
        agent.task = event.payload.task_description;
        agent.model = event.payload.model;
        break;
      }
      case EVENT_TYPES.LLM_CHUNK:
        this.#agent(event.agent_source).status = "running";
        break;
      case EVENT_TYPES.AGENT_COMPLETE: {
        const agent = this.#agent(event.agent_source);
        agent.status = "completed";
        agent.summary = event.payload.summary;
        agent.model = event.payload.model;
        break;
      }
      case EVENT_TYPES.PROGRESS:
        view.progress = event.payload;
        break;
      case EVENT_TYPES.AWAITING_INPUT:
        view.status = "awaiting_input";
        break;
      case EVENT_TYPES.INPUT:
        view.status = "running";
        break;
      case EVENT_TYPES.ERROR:
        this.#onError(event);
        break;
      case EVENT_TYPES.RUN_COMPLETE:
        view.status = event.payload.status;
        // Absent when too long to send: RunTracker fills it in from the verified texts.
        view.content = event.payload.content ?? "";
        for (const [name, summary] of Object.entries(event.payload.agents)) {
          this.#agent(name).status = summary.status;
        }
        break;
    }
    const text = this.#texts[event.agent_source];
    if (text !== undefined) this.#agent(event.agent_source).text = text;
  }

  #onError(event: StreamEvent<"error">): void {
    if (event.agent_source === SUPERVISOR) {
      this.view.errors.push(event.payload);
      return;
    }
    const agent = this.#agent(event.agent_source);
    agent.errors.push(event.payload);
    agent.status = event.payload.will_retry ? "retrying" : "failed";
  }
}
