/**
 * One session: its storage, its active run and its readers. Plain class, no Durable Object API:
 * the object class hands it storage and alarm functions, so all of it is testable as is.
 */

import { errorMessage } from "../agents/failures";
import type { Pipeline } from "../agents/run-context";
import { type Failure, failure } from "../protocol/errors";
import { EventLog } from "./event-log";
import { EventWriter, type FlushedBatch } from "./event-writer";
import type { ReviewAnswer } from "./review-answers";
import { modelDefaults } from "./run-controller";
import { type Accepted, ownerOf, RunSlot } from "./run-slot";
import { refuseStart, startRunIn } from "./run-start";
import { decideAlarm } from "./run-watchdog";
import { SessionLifetime } from "./session-lifetime";
import type { SessionSockets } from "./session-sockets";
import { SessionStore } from "./session-store";
import { SessionStreams } from "./session-streams";
import type {
  OpenEventsOptions,
  OpenedStream,
  RunOwner,
  SessionHost,
  Started,
  StartInput,
  Stores,
} from "./session-types";
import { buildSnapshot, type Snapshot } from "./snapshot";
import { storageCapFailure } from "./storage-cap";

export type { ReviewAnswer } from "./review-answers";
export type { Accepted } from "./run-slot";
export type { OpenedStream, RunOwner, SessionHost, Started, StartInput } from "./session-types";
export { KEEPALIVE_MS } from "./session-types";

export class Session {
  /** The session's WebSockets (session-sockets.ts): the object hands them its socket events. */
  readonly sockets: SessionSockets;
  #host: SessionHost;
  #now: () => number;
  #stores: Stores | undefined;
  /** Its SSE readers and sockets, and the stream leases they hold. */
  #streams: SessionStreams;
  /** The session's run, executing or paused for a review (run-slot.ts). */
  #runs: RunSlot;
  /** When this instance of the object started: a restart (eviction, hibernation) shows as a new time. */
  #startedAt: string;
  #lifetime: SessionLifetime;

  constructor(host: SessionHost) {
    this.#host = host;
    this.#now = host.now ?? Date.now;
    this.#startedAt = new Date(this.#now()).toISOString();
    this.#streams = new SessionStreams({
      host,
      owned: (userId) => this.#owned(userId),
      cancel: (userId) => this.cancel(userId),
      activeRunId: () => this.#runs.current?.run_id,
      touch: (stores) => this.#touch(stores.store),
      now: this.#now,
    });
    this.sockets = this.#streams.sockets;
    // Every time the alarm moves, socket leases are made to outlast it (lease-registry.ts).
    const setAlarm = (at: number) => {
      host.setAlarm(at);
      this.#streams.alarmSet(at);
    };
    const onActive = (owner: RunOwner) => host.onActive?.(owner);
    this.#lifetime = new SessionLifetime(host.config, setAlarm, this.#now, onActive, () => this.#runs.waitUntil);
    this.#runs = new RunSlot({
      host,
      now: this.#now,
      ended: (record) => {
        this.#streams.readers.runEnded(record.run_id, record.end_event_id);
        if (this.#stores) this.#touch(this.#stores.store);
      },
      moved: () => this.#stores && this.#touch(this.#stores.store),
      restartAfter: (error, what) => this.#restartAfter(error, what),
    });
    const exists = host.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").toArray();
    if (exists.length > 0) this.#stores = this.#openStores();
    // Waking up (any request or the keepalive alarm) resumes a run the last instance left unfinished,
    // before anything else, so every reader sees it active.
    this.#resumeUnfinished();
  }

  /** Open readers right now: SSE streams and sockets. */
  get readers(): number {
    const { readers, sockets } = this.#streams.counts();
    return readers + sockets;
  }

  #openStores(): Stores {
    const store = new SessionStore(this.#host.sql);
    const log = new EventLog(this.#host.sql);
    const onFlush = (batch: FlushedBatch) => {
      this.#runs.progressAt = this.#now();
      this.#streams.publish(log, batch);
    };
    const writer = new EventWriter(log, this.#host.config, onFlush, this.#now, {
      transact: (fn) => this.#host.transactionSync(fn),
      onFailed: (error) => this.#restartAfter(error, "events could not be written"),
    });
    return { store, log, writer };
  }

  /** Storage refused a write: this instance is ahead of storage, so a new one starts from storage. */
  #restartAfter(error: unknown, what: string): void {
    this.#host.restart(`${what}: ${errorMessage(error)}`).catch(() => {});
  }

  /** The session's stores if it exists and belongs to `userId`. Another user's session does not exist for them. */
  #owned(userId: string): Stores | undefined {
    const stores = this.#stores;
    if (!stores || stores.store.getMeta("owner") !== userId) return undefined;
    return stores;
  }

  #touch(store: SessionStore): void {
    this.#lifetime.touch(store, this.#runs.running);
  }

  /** Whether `userId` may review and steer the session's run (today its owner, as for cancel). */
  #mayInteract(userId: string): boolean {
    return this.#owned(userId) !== undefined;
  }

  /** Starts a run; `pipeline` replaces the mode's agents (used only by the bench's synthetic source). */
  startRun(input: StartInput, pipeline?: Pipeline): Started | Failure {
    const existing = this.#stores;
    // Every refusal comes before any write, so a refused request leaves storage as it found it.
    const refused =
      refuseStart(input, existing?.store.getMeta("owner"), this.#runs.current?.run_id) ??
      storageCapFailure(this.#host.sql, this.#host.config);
    if (refused) return refused;
    const touch = (store: SessionStore) => this.#lifetime.touch(store, true);
    const begin = (stores: Stores) =>
      startRunIn(stores, input, !existing, {
        now: this.#now(),
        models: modelDefaults(this.#host.config, this.#host.llm),
        touch,
      });
    // A new session's tables are created in the same transaction: a start that fails leaves nothing.
    const { stores, record } = existing ? begin(existing) : this.#host.transactionSync(() => begin(this.#openStores()));
    this.#stores = stores;
    this.#runs.launch(record, stores, { pipeline });
    return { ok: true, run_id: record.run_id, first_event_id: record.first_event_id };
  }

  /** Finds the run paused for a review, or resumes the run left running (run-recovery.ts), if any. */
  #resumeUnfinished(): void {
    const stores = this.#stores;
    if (stores && this.#runs.wake(stores)) this.#lifetime.schedule(stores.store, this.#runs.running);
  }

  cancel(userId: string): { ok: true; run_id: string } | Failure {
    const stores = this.#owned(userId);
    if (!stores) return failure("not_found", "session not found");
    const runId = this.#runs.cancel(stores);
    if (runId === undefined) return failure("not_found", "no active run to cancel");
    return { ok: true, run_id: runId };
  }

  /** Answers the review the session's run waits for, as `userId` (review-answers.ts). */
  input(userId: string, answer: ReviewAnswer): Accepted | Failure {
    return this.#interact(userId, (stores) => this.#runs.answer(stores, answer, userId));
  }

  /** Adds `userId`'s message to the session's run: every agent that starts after it reads it. */
  message(userId: string, text: string): Accepted | Failure {
    return this.#interact(userId, (stores) => this.#runs.message(stores, text, userId));
  }

  /** Does `act` for a user who may interact; what it took is activity (a run that goes on gets its run checks). */
  #interact(userId: string, act: (stores: Stores) => Accepted | Failure): Accepted | Failure {
    const stores = this.#stores;
    if (!stores || !this.#mayInteract(userId)) return failure("not_found", "session not found");
    const result = act(stores);
    if (result.ok) this.#touch(stores.store);
    return result;
  }

  /** Opens the log as an SSE stream after `afterId` (session-readers.ts), for the owner only. */
  openEvents(userId: string, afterId: number, options: OpenEventsOptions = {}): OpenedStream | Failure {
    const stores = this.#owned(userId);
    if (!stores) return this.#streams.readers.refuse(options.lease, failure("not_found", "session not found"));
    const opened = this.#streams.readers.open({ stores, isGone: () => this.#stores !== stores }, afterId, options);
    if (opened.ok) this.#lifetime.touchForRead(stores.store, this.#runs.running);
    return opened;
  }

  snapshot(userId: string): ({ ok: true } & Snapshot) | Failure {
    const stores = this.#owned(userId);
    if (!stores) return failure("not_found", "session not found");
    const instance = { ...this.#streams.counts(), instanceStartedAt: this.#startedAt };
    return { ok: true as const, ...buildSnapshot(stores, this.#runs.current, instance) };
  }

  /** Deletes the session and everything in it; its readers end at once. */
  async destroy(userId?: string): Promise<{ ok: true } | Failure> {
    const stores = userId === undefined ? this.#stores : this.#owned(userId);
    if (!stores) return failure("not_found", "session not found");
    this.#runs.detach(ownerOf(stores.store));
    stores.writer.close();
    this.#stores = undefined;
    this.#streams.ended();
    await this.#host.deleteAll();
    return { ok: true };
  }

  /**
   * The alarm: keeps an active run's object alive and restarts the object when the run stalled
   * (run-watchdog.ts); deletes the session once it expired.
   */
  async onAlarm(): Promise<void> {
    const stores = this.#stores;
    if (!stores) return;
    this.#resumeUnfinished();
    const active = this.#runs.running ? this.#runs.current : undefined;
    const owner = ownerOf(stores.store);
    const action = decideAlarm({
      now: this.#now(),
      running: active !== undefined,
      waitUntil: this.#runs.waitUntil,
      progressAt: this.#runs.progressAt,
      runStallMs: this.#host.config.runStallMs,
      updatedAt: Date.parse(stores.store.getMeta("updated_at") ?? ""),
      ttlMs: this.#host.config.sessionTtlSeconds * 1000,
    });
    if (action.do === "restart" && active) {
      this.#host.onRunStalled?.(active, owner, action.silentMs);
      // The restart drops every stream and socket of this instance: their leases go back first.
      await this.#streams.releaseAll();
      return this.#host.restart(`run ${active.run_id} logged nothing for ${action.silentMs} ms`);
    }
    if (action.do === "expire") {
      await this.destroy();
      this.#host.onExpired?.(owner);
      return;
    }
    if (action.do === "time_out") this.#runs.expire(stores);
    if (action.do === "keepalive" && active) this.#host.onRunAlive?.(active, owner);
    this.sockets.checkBehind();
    this.#lifetime.schedule(stores.store, this.#runs.running);
  }
}
