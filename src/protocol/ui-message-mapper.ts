/**
 * Maps one run's service events to UI message stream chunks: one assistant message per run. Pure
 * and incremental: each event in, the chunks it produces out, so the same class serves the live
 * stream and the compact replay (which folds the chunks, ui-message-compact.ts). The mapping is
 * documented, with an example, in docs/ai-sdk.md.
 */
import {
  type AgentSummary,
  type ErrorPayload,
  EVENT_TYPES,
  type PlannedAgent,
  RUN_STATUSES,
  type RunCompletePayload,
  type StreamEvent,
  SUPERVISOR,
} from "./events";
import { AgentParts } from "./ui-agent-parts";
import {
  type AgentPartStatus,
  type FinishReason,
  PROGRESS_PART_ID,
  UI_CHUNK_TYPES,
  type UiChunk,
} from "./ui-message-stream";

const FINISH_REASONS: Record<string, FinishReason> = {
  [RUN_STATUSES.COMPLETED]: "stop",
  [RUN_STATUSES.PARTIAL]: "stop",
  [RUN_STATUSES.FAILED]: "error",
  [RUN_STATUSES.CANCELLED]: "other",
};

/** How a still-open agent ends when its run ends, from the run's own summary of it. */
function finalStatus(summary: AgentSummary["status"] | undefined, cancelled: boolean): AgentPartStatus {
  if (summary === "completed") return "complete";
  if (summary === "failed") return "failed";
  if (cancelled || summary === "running") return "cancelled";
  return "skipped";
}

export class UiMessageMapper {
  readonly #sessionId: string;
  #runId: string | undefined;
  #agents = new Map<string, AgentParts>();
  #finished = false;
  /** The failure that ended an agent (or the run) for good, for the run's `error` chunk. */
  #failure: string | undefined;

  constructor(sessionId: string) {
    this.#sessionId = sessionId;
  }

  /** The run's terminal event has been mapped: the message is finished. */
  get finished(): boolean {
    return this.#finished;
  }

  /** The chunks `event` produces (none for an event of another run, or after the run finished). */
  push(event: StreamEvent): UiChunk[] {
    if (event.event_type === EVENT_TYPES.RUN_START) return this.#runStart(event);
    if (event.run_id !== this.#runId || this.#finished) return [];
    if (event.event_type === EVENT_TYPES.RUN_COMPLETE) return this.#runComplete(event.payload);
    if (event.event_type === EVENT_TYPES.PROGRESS) {
      return [{ type: UI_CHUNK_TYPES.DATA_PROGRESS, id: PROGRESS_PART_ID, data: { ...event.payload } }];
    }
    if (event.event_type === EVENT_TYPES.ERROR && event.agent_source === SUPERVISOR) {
      if (!event.payload.will_retry) this.#failure = event.payload.error;
      return [];
    }
    const agent = this.#agent(event.agent_source);
    return [...this.#agentEvent(agent, event), ...agent.flush()];
  }

  /** The text chunks of an agent's own event; its data part's update follows them. */
  #agentEvent(agent: AgentParts, event: StreamEvent): UiChunk[] {
    switch (event.event_type) {
      case EVENT_TYPES.AGENT_START:
        agent.update({ status: "running", task: event.payload.task_description, model: event.payload.model });
        return agent.open();
      case EVENT_TYPES.LLM_CHUNK:
        return agent.append(event.payload.content);
      case EVENT_TYPES.AGENT_COMPLETE:
        agent.update({ status: "complete", model: event.payload.model });
        return agent.close();
      case EVENT_TYPES.ERROR:
        return this.#agentError(agent, event.payload);
      default:
        return [];
    }
  }

  /** For a stream that ended before its run did (the session was deleted): close the message honestly. */
  end(): UiChunk[] {
    if (this.#runId === undefined || this.#finished) return [];
    this.#finished = true;
    const chunks = [...this.#agents.values()].flatMap((agent) => agent.close());
    chunks.push({ type: UI_CHUNK_TYPES.ERROR, errorText: "The run's event stream ended before the run finished." });
    chunks.push({ type: UI_CHUNK_TYPES.FINISH, finishReason: "error", messageMetadata: { status: "interrupted" } });
    return chunks;
  }

  #runStart(event: StreamEvent<"run_start">): UiChunk[] {
    if (this.#runId !== undefined) return [];
    this.#runId = event.run_id;
    const metadata = { session_id: this.#sessionId, run_id: event.run_id, pipeline: event.payload.mode };
    const chunks: UiChunk[] = [{ type: UI_CHUNK_TYPES.START, messageId: event.run_id, messageMetadata: metadata }];
    for (const planned of event.payload.agents) chunks.push(...this.#agent(planned.name, planned).flush());
    return chunks;
  }

  #agent(name: string, planned?: PlannedAgent): AgentParts {
    let agent = this.#agents.get(name);
    if (!agent) {
      const { task = "", uses = [], required = true } = planned ?? {};
      agent = new AgentParts({ name, task, uses: [...uses], required, status: "pending", retries: 0 });
      this.#agents.set(name, agent);
    }
    return agent;
  }

  #agentError(agent: AgentParts, payload: ErrorPayload): UiChunk[] {
    const discarded = payload.discarded_chars ?? 0;
    if (payload.will_retry) {
      const retries = Math.max(agent.data.retries, payload.retry_count + 1);
      agent.update({ retries, error: payload.error, model: payload.fallback_model ?? agent.data.model });
      return agent.discard(discarded, payload.retry_count + 2);
    }
    this.#failure = `${agent.data.name}: ${payload.error}`;
    agent.update({ status: "failed", error: payload.error });
    return discarded > 0 ? agent.discard(discarded) : agent.close();
  }

  #runComplete(payload: RunCompletePayload): UiChunk[] {
    this.#finished = true;
    const cancelled = payload.status === RUN_STATUSES.CANCELLED;
    const chunks: UiChunk[] = [];
    for (const agent of this.#agents.values()) {
      chunks.push(...agent.close());
      if (agent.status === "pending" || agent.status === "running") {
        agent.update({ status: finalStatus(payload.agents[agent.data.name]?.status, cancelled) });
      }
      chunks.push(...agent.flush());
    }
    if (payload.status === RUN_STATUSES.FAILED) {
      chunks.push({ type: UI_CHUNK_TYPES.ERROR, errorText: `The run failed: ${this.#failure ?? "no reason given"}.` });
    }
    if (cancelled) chunks.push({ type: UI_CHUNK_TYPES.ABORT, reason: "The run was cancelled." });
    const finishReason = FINISH_REASONS[payload.status] ?? "other";
    chunks.push({ type: UI_CHUNK_TYPES.FINISH, finishReason, messageMetadata: { status: payload.status } });
    return chunks;
  }
}
