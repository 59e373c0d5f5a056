/** One session: storage, active run, readers. No Durable Object API here, so all of it is testable as is. */

import { errorMessage } from "../agents/failures";
import type { Pipeline } from "../agents/run-context";
import type { RunRecord } from "../agents/run-record";
import { type Failure, failure } from "../protocol/errors";
import { EventLog } from "./event-log";
import { EventWriter, type FlushedBatch } from "./event-writer";
import type { LogView } from "./log-view";
import { ActiveRun, modelDefaults } from "./run-controller";
import { prepareResume } from "./run-recovery";
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
  #active: ActiveRun | undefined;
  /** When the active run last logged something (or started): the watchdog's clock (run-watchdog.ts). */
  #progressAt = 0;
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
      activeRunId: () => this.#active?.record.run_id,
      touch: (stores) => this.#touch(stores.store),
      now: this.#now,
    });
    this.sockets = this.#streams.sockets;
    // Every time the alarm moves, socket leases are made to outlast it (lease-registry.ts).
    const setAlarm = (at: number) => {
      host.setAlarm(at);
      this.#streams.alarmSet(at);
    };
    this.#lifetime = new SessionLifetime(host.config, setAlarm, this.#now, (owner) => host.onActive?.(owner));
    const exists = host.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").toArray();
    if (exists.length > 0) this.#stores = this.#openStores();
    // Waking up resumes a run the last instance left unfinished first, so every reader sees it active.
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
      this.#progressAt = this.#now();
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
    this.#lifetime.touch(store, this.#active !== undefined);
  }

  /** Starts a run; `pipeline` replaces the mode's agents (used only by the bench's synthetic source). */
  startRun(input: StartInput, pipeline?: Pipeline): Started | Failure {
    const existing = this.#stores;
    // Every refusal comes before any write, so a refused request leaves storage as it found it.
    const refused =
      refuseStart(input, existing?.store.getMeta("owner"), this.#active?.record.run_id) ??
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
    this.#launch(record, stores, { pipeline });
    return { ok: true, run_id: record.run_id, first_event_id: record.first_event_id };
  }

  /** Resumes the run still marked running in storage (see run-recovery.ts), if any. */
  #resumeUnfinished(): void {
    const stores = this.#stores;
    if (!stores || this.#active) return;
    const resumed = prepareResume(stores);
    if (!resumed) return;
    this.#launch(resumed.record, stores, { failWith: resumed.failWith });
    this.#lifetime.schedule(stores.store, this.#active !== undefined);
  }

  #ownerOf(store: SessionStore): RunOwner {
    return { userId: store.getMeta("owner") ?? "", sessionId: store.getMeta("session_id") ?? "" };
  }

  #launch(record: RunRecord, { store, log, writer }: Stores, how: { failWith?: Error; pipeline?: Pipeline } = {}) {
    const owner = this.#ownerOf(store);
    const run = new ActiveRun(record, {
      store,
      llm: this.#host.llm,
      config: this.#host.config,
      events: writer,
      head: () => log.head,
      now: this.#now,
      failWith: how.failWith,
      pipeline: how.pipeline,
    });
    this.#active = run;
    this.#progressAt = this.#now();
    run.done.then(
      () => {
        this.#host.onRunEnd?.(record, owner);
        if (this.#active !== run) return;
        this.#active = undefined;
        this.#streams.readers.runEnded(record.run_id, record.end_event_id);
        if (this.#stores) this.#touch(this.#stores.store);
      },
      (error: unknown) => this.#restartAfter(error, `run ${record.run_id} could not be checkpointed`),
    );
  }

  cancel(userId: string): { ok: true; run_id: string } | Failure {
    const stores = this.#owned(userId);
    if (!stores) return failure("not_found", "session not found");
    if (!this.#active) return failure("not_found", "no active run to cancel");
    this.#active.cancel();
    return { ok: true, run_id: this.#active.record.run_id };
  }

  /** The owner's read-only view of the log as a Durable Stream (log-view.ts); undefined for anyone else. */
  logView(userId: string): LogView | undefined {
    const stores = this.#owned(userId);
    return stores && { log: stores.log, fanOut: this.#streams.readers.fanOut };
  }

  /** Opens the log as an SSE stream after `afterId` (session-readers.ts), for the owner only. */
  openEvents(userId: string, afterId: number, options: OpenEventsOptions = {}): OpenedStream | Failure {
    const stores = this.#owned(userId);
    if (!stores) return this.#streams.readers.refuse(options.lease, failure("not_found", "session not found"));
    const opened = this.#streams.readers.open({ stores, isGone: () => this.#stores !== stores }, afterId, options);
    if (opened.ok) this.#lifetime.touchForRead(stores.store, this.#active !== undefined);
    return opened;
  }

  snapshot(userId: string): ({ ok: true } & Snapshot) | Failure {
    const stores = this.#owned(userId);
    if (!stores) return failure("not_found", "session not found");
    const instance = { ...this.#streams.counts(), instanceStartedAt: this.#startedAt };
    return { ok: true as const, ...buildSnapshot(stores, this.#active?.record, instance) };
  }

  /** Deletes the session and everything in it; its readers end at once. */
  async destroy(userId?: string): Promise<{ ok: true } | Failure> {
    const stores = userId === undefined ? this.#stores : this.#owned(userId);
    if (!stores) return failure("not_found", "session not found");
    this.#active?.detach();
    this.#active = undefined;
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
    const active = this.#active;
    const owner = this.#ownerOf(stores.store);
    const action = decideAlarm({
      now: this.#now(),
      running: active !== undefined,
      progressAt: this.#progressAt,
      runStallMs: this.#host.config.runStallMs,
      updatedAt: Date.parse(stores.store.getMeta("updated_at") ?? ""),
      ttlMs: this.#host.config.sessionTtlSeconds * 1000,
    });
    if (action.do === "restart" && active) {
      this.#host.onRunStalled?.(active.record, owner, action.silentMs);
      // The restart drops every stream and socket of this instance: their leases go back first.
      await this.#streams.releaseAll();
      return this.#host.restart(`run ${active.record.run_id} logged nothing for ${action.silentMs} ms`);
    }
    if (action.do === "expire") {
      await this.destroy();
      this.#host.onExpired?.(owner);
      return;
    }
    if (action.do === "keepalive" && active) this.#host.onRunAlive?.(active.record, owner);
    this.sockets.checkBehind();
    this.#lifetime.schedule(stores.store, this.#active !== undefined);
  }
}
