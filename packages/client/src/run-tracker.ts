/**
 * The synchronous heart of following a run: which arriving events are new and ours (sequencer +
 * run id), what they do to the reconstructed view, and the integrity verdict at `run_complete`.
 * No I/O, so it is tested directly; RunStream feeds it from the transport.
 */
import { EVENT_TYPES, type RunStatus, type StreamEvent } from "../../../src/protocol/events";
import type { AgentTexts } from "../../../src/protocol/reconstruct";
import { type ClientError, IntegrityError } from "./errors";
import { IntegrityChecker } from "./integrity";
import { type RunView, RunViewBuilder } from "./run-view";
import { EventSequencer } from "./sequencer";
import type { RunIds } from "./transport";

/** How the run ended, once verified. */
export interface RunResult {
  sessionId: string;
  runId: string;
  status: RunStatus;
  content: string;
  texts: AgentTexts;
  view: RunView;
}

export type Final = { result: RunResult } | { error: ClientError };

export class RunTracker {
  #seq: EventSequencer;
  #builder = new RunViewBuilder();
  #checker = new IntegrityChecker();
  #ids: RunIds | undefined;
  #ownSeen = false;
  #delivered = 0;
  #final: Final | undefined;

  /** `afterId`: the last id already seen in the session; the run's events come after it. */
  constructor(afterId: number) {
    this.#seq = new EventSequencer(afterId);
  }

  get view(): RunView {
    return this.#builder.view;
  }
  get ids(): RunIds | undefined {
    return this.#ids;
  }
  /** Last id handed on: the resume point. */
  get cursor(): number {
    return this.#seq.cursor;
  }
  /** Events of this run delivered so far. */
  get delivered(): number {
    return this.#delivered;
  }
  /** Set at run_complete: the verified result, or the IntegrityError. */
  get final(): Final | undefined {
    return this.#final;
  }

  setRun(ids: RunIds): void {
    this.#ids = ids;
    this.view.sessionId = ids.sessionId;
    this.view.runId = ids.runId;
  }

  /** The run is known to start after `id` (its events_url said so). */
  skipTo(id: number): void {
    this.#seq.skipTo(id);
  }

  /**
   * Takes one arriving event. Each event of this run that becomes deliverable is applied to the
   * view and passed to `deliver`, once, in id order. Throws a `network` ClientError when a gap
   * holds back too many events.
   */
  receive(event: StreamEvent, deliver: (event: StreamEvent) => void): void {
    const ids = this.#ids;
    if (this.#final || !ids) return;
    // The run's own run_start is its first event: anything before it belongs to earlier runs.
    if (!this.#ownSeen && event.run_id === ids.runId && event.event_type === EVENT_TYPES.RUN_START) {
      this.#seq.skipTo(event.id - 1);
    }
    for (const next of this.#seq.accept(event)) {
      if (this.#final) return;
      if (next.run_id !== ids.runId) continue;
      this.#ownSeen = true;
      this.#apply(next, ids);
      deliver(next);
    }
  }

  #apply(event: StreamEvent, ids: RunIds): void {
    this.#delivered++;
    this.#builder.handleEvent(event);
    const texts = this.#builder.texts;
    if (event.event_type === EVENT_TYPES.AGENT_COMPLETE) {
      this.#checker.agentComplete(event.agent_source, event.payload, texts);
    } else if (event.event_type === EVENT_TYPES.RUN_COMPLETE) {
      const mismatches = this.#checker.runComplete(event.payload, texts);
      const { status } = event.payload;
      // A content too long to be sent is rebuilt from the texts it was checked against.
      const content = event.payload.content ?? this.#checker.contentOf(event.payload, texts) ?? "";
      this.view.content = content;
      this.#final = mismatches.length
        ? { error: new IntegrityError(mismatches) }
        : { result: { ...ids, status, content, texts: { ...texts }, view: this.view } };
    }
  }
}
