/**
 * The session's one run at a time: executing (an ActiveRun), or paused for a review, which is
 * only its checkpointed record (with an alarm at the wait's expiry): nothing in memory works on
 * it, so the object may be evicted and a new instance finds it in storage. Launching, resuming
 * after a restart, pausing, answering, steering, cancelling and timing out all happen here.
 */
import type { Pipeline } from "../agents/run-context";
import type { RunRecord } from "../agents/run-record";
import { type Failure, failure } from "../protocol/errors";
import { RUN_STATUSES, type RunStatus } from "../protocol/events";
import { addMessage, applyAnswer, type ReviewAnswer } from "./review-answers";
import { ActiveRun } from "./run-controller";
import { prepareResume } from "./run-recovery";
import type { SessionStore } from "./session-store";
import type { RunOwner, SessionHost, Stores } from "./session-types";

/** An answer or message taken: the run it went to and the id of the event that logged it. */
export type Accepted = { ok: true; run_id: string; event_id: number };

export interface RunSlotDeps {
  host: SessionHost;
  now(): number;
  /** A run ended (`run_complete` is logged): readers waiting for it end, the session was active. */
  ended(record: RunRecord): void;
  /** A run paused: activity on the session; its alarm moves to the wait's expiry. */
  moved(): void;
  /** Storage refused a write: the object restarts from what storage holds. */
  restartAfter(error: unknown, what: string): void;
}

/** Who the session belongs to, for the hooks. */
export function ownerOf(store: SessionStore): RunOwner {
  return { userId: store.getMeta("owner") ?? "", sessionId: store.getMeta("session_id") ?? "" };
}

export class RunSlot {
  #deps: RunSlotDeps;
  #active: ActiveRun | undefined;
  #paused: RunRecord | undefined;
  /** When the executing run last logged something (or started): the watchdog's clock (run-watchdog.ts). */
  progressAt = 0;

  constructor(deps: RunSlotDeps) {
    this.#deps = deps;
  }

  /** A run is executing (not paused). */
  get running(): boolean {
    return this.#active !== undefined;
  }

  /** The session's current run, executing or paused. */
  get current(): RunRecord | undefined {
    return this.#active?.record ?? this.#paused;
  }

  /** When the paused run's wait expires (ms since epoch); undefined when no run is paused. */
  get waitUntil(): number | undefined {
    const expires = this.#paused?.wait?.expires_at;
    return expires === undefined ? undefined : Date.parse(expires);
  }

  /** On wake: finds the run paused in storage, else resumes the run left running (run-recovery.ts). True when one now executes. */
  wake(stores: Stores): boolean {
    if (this.current) return false;
    this.#paused = stores.store.findWaitingRun();
    if (this.#paused) return false;
    const resumed = prepareResume(stores);
    if (!resumed) return false;
    this.launch(resumed.record, stores, { failWith: resumed.failWith });
    return true;
  }

  /** Executes `record` (a new run, a resumed one, or a paused one going on or ending with `endAs`). */
  launch(record: RunRecord, stores: Stores, how: { failWith?: Error; pipeline?: Pipeline; endAs?: RunStatus } = {}) {
    const { host, now } = this.#deps;
    const owner = ownerOf(stores.store);
    const run = new ActiveRun(record, {
      store: stores.store,
      llm: host.llm,
      config: host.config,
      events: stores.writer,
      head: () => stores.log.head,
      now,
      ...how,
    });
    this.#active = run;
    this.#paused = undefined;
    this.progressAt = now();
    run.done.then(
      (outcome) => {
        // A run cut off by its session's deletion ends, paused or not: its lease goes back.
        if (outcome === "ended" || this.#active !== run) host.onRunEnd?.(record, owner);
        if (this.#active !== run) return;
        this.#active = undefined;
        if (outcome === "ended") return this.#deps.ended(record);
        this.#paused = record;
        host.onRunPaused?.(record, owner, (this.waitUntil ?? now()) - now());
        this.#deps.moved();
      },
      (error: unknown) => this.#deps.restartAfter(error, `run ${record.run_id} could not be checkpointed`),
    );
  }

  /** Cancels the current run (a paused one ends at once); its id, or undefined when there is none. */
  cancel(stores: Stores): string | undefined {
    if (this.#active) {
      this.#active.cancel();
      return this.#active.record.run_id;
    }
    return this.#end(stores, RUN_STATUSES.CANCELLED);
  }

  /** Ends the paused run as `timed_out` once its wait has expired; true when it did. */
  expire(stores: Stores): boolean {
    const until = this.waitUntil;
    if (until === undefined || this.#deps.now() < until) return false;
    return this.#end(stores, RUN_STATUSES.TIMED_OUT) !== undefined;
  }

  #end(stores: Stores, status: RunStatus): string | undefined {
    const paused = this.#paused;
    if (!paused) return undefined;
    paused.wait = undefined;
    this.launch(paused, stores, { endAs: status });
    return paused.run_id;
  }

  /** Answers the paused run's review as `actor`, and the run goes on (review-answers.ts). */
  answer(stores: Stores, answer: ReviewAnswer, actor: string): Accepted | Failure {
    const run = this.#paused;
    if (!run)
      return failure("not_waiting", this.#active ? "the run is not waiting for input" : "no run waits for input");
    const logged = this.#log(stores, run, applyAnswer(run, answer, actor));
    if (logged.ok) this.launch(run, stores);
    return logged;
  }

  /** Adds `actor`'s message to the current run: every agent that starts after it reads it. */
  message(stores: Stores, text: string, actor: string): Accepted | Failure {
    const run = this.current;
    if (!run) return failure("no_active_run", "no run is active in this session");
    return this.#log(stores, run, addMessage(run, text, actor));
  }

  /** Logs `draft` with `run`'s record in one commit (a refusal passes through). */
  #log(stores: Stores, run: RunRecord, draft: ReturnType<typeof addMessage>): Accepted | Failure {
    if ("ok" in draft) return draft;
    try {
      stores.writer.emit(run.run_id, draft);
      stores.writer.commit(() => stores.store.saveRun(run));
    } catch (error) {
      this.#deps.restartAfter(error, `run ${run.run_id} could not be checkpointed`);
      throw error;
    }
    return { ok: true, run_id: run.run_id, event_id: stores.log.head };
  }

  /** The session is being deleted: the run stops and writes nothing more. */
  detach(owner: RunOwner): void {
    this.#active?.detach();
    if (this.#paused) this.#deps.host.onRunEnd?.(this.#paused, owner);
    this.#active = undefined;
    this.#paused = undefined;
  }
}
