/**
 * One session: its storage, its active run and its readers. Plain class, no Durable Object API:
 * the object class hands it storage and alarm functions, so all of it is testable as is.
 */

import { planFor } from "../agents/pipelines";
import type { Pipeline } from "../agents/run-context";
import { newRunRecord, type RunRecord } from "../agents/run-record";
import { type Failure, failure } from "../protocol/errors";
import { EVENT_TYPES, SUPERVISOR } from "../protocol/events";
import { WS_CLOSE } from "../protocol/ws";
import { EventLog } from "./event-log";
import { EventWriter } from "./event-writer";
import { ActiveRun } from "./run-controller";
import { prepareResume } from "./run-recovery";
import { decideAlarm } from "./run-watchdog";
import { SessionLifetime } from "./session-lifetime";
import { SessionReaders } from "./session-readers";
import { SessionStore } from "./session-store";
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
import { attachSocket, catchUp, handleSocketMessage } from "./socket-hub";
import { storageCapFailure } from "./storage-cap";

export type { OpenedStream, RunOwner, SessionHost, Started, StartInput } from "./session-types";
export { KEEPALIVE_MS } from "./session-types";

export class Session {
  #host: SessionHost;
  #now: () => number;
  #stores: Stores | undefined;
  #readers = new SessionReaders();
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
    this.#lifetime = new SessionLifetime(host.config, host.setAlarm, this.#now, (owner) => host.onActive?.(owner));
    const exists = host.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").toArray();
    if (exists.length > 0) this.#stores = this.#openStores();
    // Waking up (any request or the keepalive alarm) resumes a run the last instance left unfinished,
    // before anything else, so every reader sees it active.
    this.#resumeUnfinished();
  }

  /** Open event streams right now. */
  get readers(): number {
    return this.#readers.count;
  }

  #openStores(): Stores {
    const store = new SessionStore(this.#host.sql);
    const log = new EventLog(this.#host.sql);
    const writer = new EventWriter(
      log,
      this.#host.config,
      (batch) => {
        this.#progressAt = this.#now();
        this.#readers.publish(batch);
        for (const ws of this.#host.sockets()) catchUp(ws, log, batch);
      },
      this.#now,
    );
    return { store, log, writer };
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
    if (!this.#stores && input.create) {
      this.#stores = this.#openStores();
      const now = new Date(this.#now()).toISOString();
      this.#stores.store.setMeta("session_id", input.sessionId);
      this.#stores.store.setMeta("owner", input.userId);
      this.#stores.store.setMeta("created_at", now);
    }
    const stores = this.#owned(input.userId);
    if (!stores) return failure("not_found", "session not found");
    if (this.#active) return failure("run_active", `run ${this.#active.record.run_id} is still active in this session`);
    const full = storageCapFailure(this.#host.sql, this.#host.config);
    if (full) return full;
    const { store, log, writer } = stores;
    writer.flush();
    const record = newRunRecord(input, log.head + 1, this.#now());
    store.insertRun(record);
    writer.emit(record.run_id, {
      event_type: EVENT_TYPES.RUN_START,
      agent_source: SUPERVISOR,
      payload: { mode: input.mode, model: this.#host.llm.defaultModel, agents: planFor(input.mode, input.message) },
    });
    this.#launch(record, stores, { pipeline });
    this.#touch(store);
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

  #launch(
    record: RunRecord,
    { store, log, writer }: Stores,
    how: { failWith?: Error; pipeline?: Pipeline } = {},
  ): void {
    const owner = this.#ownerOf(store);
    const run = new ActiveRun(record, {
      store,
      llm: this.#host.llm,
      config: this.#host.config,
      emit: (runId, draft) => writer.emit(runId, draft),
      flush: () => writer.flush(),
      head: () => log.head,
      now: this.#now,
      failWith: how.failWith,
      pipeline: how.pipeline,
    });
    this.#active = run;
    this.#progressAt = this.#now();
    run.done.finally(() => {
      this.#host.onRunEnd?.(record, owner);
      if (this.#active !== run) return;
      this.#active = undefined;
      this.#readers.runEnded(record.run_id, record.end_event_id);
      if (this.#stores) this.#touch(this.#stores.store);
    });
  }

  cancel(userId: string): { ok: true; run_id: string } | Failure {
    const stores = this.#owned(userId);
    if (!stores) return failure("not_found", "session not found");
    if (!this.#active) return failure("not_found", "no active run to cancel");
    this.#active.cancel();
    return { ok: true, run_id: this.#active.record.run_id };
  }

  /** Opens the log as an SSE stream after `afterId` (session-readers.ts), for the owner only. */
  openEvents(userId: string, afterId: number, options: OpenEventsOptions = {}): OpenedStream | Failure {
    const stores = this.#owned(userId);
    if (!stores) return failure("not_found", "session not found");
    const { log, store } = stores;
    const opened = this.#readers.open(
      {
        log,
        activeRunId: () => this.#active?.record.run_id,
        storedEndOf: (runId) => store.getRun(runId)?.end_event_id ?? undefined,
        isGone: () => this.#stores !== stores,
        heartbeatMs: this.#host.config.heartbeatMs,
        retryMs: this.#host.config.sseRetryMs,
        pageRows: this.#host.config.replayPageRows,
      },
      afterId,
      options,
    );
    if (opened.ok) this.#lifetime.touchForRead(store, this.#active !== undefined);
    return opened;
  }

  /** Checks that `userId` may follow the session over a WebSocket from `afterId`. */
  canOpenSocket(userId: string, afterId: number, maxSockets = Number.POSITIVE_INFINITY): { ok: true } | Failure {
    const stores = this.#owned(userId);
    if (!stores) return failure("not_found", "session not found");
    if (this.#host.sockets().length >= maxSockets) {
      return failure("rate_limited", `this session already has ${maxSockets} WebSockets open`);
    }
    if (afterId > stores.log.head) {
      return failure(
        "invalid_resume_point",
        `resume point ${afterId} is beyond the newest event id ${stores.log.head}`,
      );
    }
    this.#touch(stores.store);
    return { ok: true };
  }

  /** Starts an accepted socket at `afterId`: replays the log after it, then it gets every flush. */
  attachSocket(ws: WebSocket, userId: string, canWrite: boolean, afterId: number): void {
    const stores = this.#owned(userId);
    if (stores) attachSocket(ws, stores.log, { userId, canWrite, cursor: afterId });
  }

  /** Handles a client message on a socket: resume, or cancel for the owner; anything else is refused. */
  onSocketMessage(ws: WebSocket, data: string | ArrayBuffer): void {
    handleSocketMessage(ws, data, {
      logFor: (userId) => this.#owned(userId)?.log,
      cancel: (userId) => this.cancel(userId),
    });
  }

  snapshot(userId: string): ({ ok: true } & Snapshot) | Failure {
    const stores = this.#owned(userId);
    if (!stores) return failure("not_found", "session not found");
    return {
      ok: true as const,
      ...buildSnapshot(stores, this.#active?.record, {
        readers: this.#readers.count,
        sockets: this.#host.sockets().length,
        instanceStartedAt: this.#startedAt,
      }),
    };
  }

  /** Deletes the session and everything in it; its readers end at once. */
  async destroy(userId?: string): Promise<{ ok: true } | Failure> {
    const stores = userId === undefined ? this.#stores : this.#owned(userId);
    if (!stores) return failure("not_found", "session not found");
    this.#active?.detach();
    this.#active = undefined;
    stores.writer.close();
    this.#stores = undefined;
    this.#readers.fanOut.wakeAll();
    for (const ws of this.#host.sockets()) ws.close(WS_CLOSE.NORMAL, "session deleted");
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
      return this.#host.restart(`run ${active.record.run_id} logged nothing for ${action.silentMs} ms`);
    }
    if (action.do === "expire") {
      await this.destroy();
      this.#host.onExpired?.(owner);
      return;
    }
    if (action.do === "keepalive" && active) this.#host.onRunAlive?.(active.record, owner);
    this.#lifetime.schedule(stores.store, this.#active !== undefined);
  }
}
