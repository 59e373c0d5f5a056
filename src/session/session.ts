/**
 * One session: its storage, its active run and its readers. Plain class, no Durable Object API:
 * the object class hands it storage and alarm functions, so all of it is testable as is.
 */
import type { Config } from "../env";
import type { LlmProvider } from "../llm/provider";
import { type Failure, failure } from "../protocol/errors";
import { EVENT_TYPES, type Mode, SUPERVISOR } from "../protocol/events";
import { EventLog } from "./event-log";
import { EventWriter } from "./event-writer";
import { FanOut } from "./fan-out";
import { createReaderStream } from "./reader-stream";
import { ActiveRun, type Pipeline } from "./run-controller";
import { type RunRecord, SessionStore } from "./session-store";

/** While a run is active the alarm fires this often, so the object is never idle-evicted mid-run. */
export const KEEPALIVE_MS = 30_000;

/**
 * Opening an event stream extends the session's life, but at most this often: each extension is
 * a storage write, and the stream's first bytes wait for it to commit (a commit was 3-6 ms of a
 * 25 ms replay in the bench). A session may so expire up to this much before TTL after a read.
 */
export const READ_TOUCH_INTERVAL_MS = 60_000;

export interface SessionHost {
  sql: SqlStorage;
  config: Config;
  llm: LlmProvider;
  setAlarm(at: number): void;
  deleteAll(): Promise<void>;
  now?: () => number;
}

export interface StartInput {
  sessionId: string;
  userId: string;
  mode: Mode;
  message: string;
  options: Record<string, unknown>;
  /** Create the session (a POST without session_id); otherwise it must exist. */
  create: boolean;
}

export type Started = { ok: true; run_id: string; first_event_id: number };

export type OpenedStream = { ok: true; status: 200; stream: ReadableStream<Uint8Array> } | { ok: true; status: 204 };

interface Stores {
  store: SessionStore;
  log: EventLog;
  writer: EventWriter;
}

export class Session {
  #host: SessionHost;
  #now: () => number;
  #stores: Stores | undefined;
  #fanOut = new FanOut();
  #active: ActiveRun | undefined;
  #ends = new Map<string, number>();
  #readers = 0;
  #touchedAt = Number.NEGATIVE_INFINITY;

  constructor(host: SessionHost) {
    this.#host = host;
    this.#now = host.now ?? Date.now;
    const exists = host.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").toArray();
    if (exists.length > 0) this.#stores = this.#openStores();
  }

  /** Open event streams right now. */
  get readers(): number {
    return this.#readers;
  }

  #openStores(): Stores {
    const store = new SessionStore(this.#host.sql);
    const log = new EventLog(this.#host.sql);
    const writer = new EventWriter(log, this.#host.config, (batch) => this.#fanOut.publish(batch), this.#now);
    return { store, log, writer };
  }

  /** The session's stores if it exists and belongs to `userId`. Another user's session does not exist for them. */
  #owned(userId: string): Stores | undefined {
    const stores = this.#stores;
    if (!stores || stores.store.getMeta("owner") !== userId) return undefined;
    return stores;
  }

  #touch(store: SessionStore): void {
    this.#touchedAt = this.#now();
    store.setMeta("updated_at", new Date(this.#touchedAt).toISOString());
    this.#scheduleAlarm(store);
  }

  /** A reader's activity: recorded at most every READ_TOUCH_INTERVAL_MS (see there). */
  #touchForRead(store: SessionStore): void {
    if (this.#now() - this.#touchedAt >= READ_TOUCH_INTERVAL_MS) this.#touch(store);
  }

  #scheduleAlarm(store: SessionStore): void {
    const at = this.#active
      ? this.#now() + KEEPALIVE_MS
      : Date.parse(store.getMeta("updated_at") ?? "") + this.#host.config.sessionTtlSeconds * 1000;
    this.#host.setAlarm(Number.isFinite(at) ? at : this.#now());
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
    const { store, log, writer } = stores;
    writer.flush();
    const record: RunRecord = {
      run_id: crypto.randomUUID(),
      mode: input.mode,
      status: "running",
      message: input.message,
      options: input.options,
      started_at: new Date(this.#now()).toISOString(),
      finished_at: null,
      first_event_id: log.head + 1,
      end_event_id: null,
      agents: {},
      content: "",
      resumes: 0,
    };
    store.insertRun(record);
    writer.emit(record.run_id, {
      event_type: EVENT_TYPES.RUN_START,
      agent_source: SUPERVISOR,
      payload: { mode: input.mode, model: this.#host.llm.defaultModel, agents: [] },
    });
    this.#launch(record, stores, pipeline);
    this.#touch(store);
    return { ok: true, run_id: record.run_id, first_event_id: record.first_event_id };
  }

  #launch(record: RunRecord, { store, log, writer }: Stores, pipeline?: Pipeline): void {
    const run = new ActiveRun(record, {
      store,
      llm: this.#host.llm,
      emit: (runId, draft) => writer.emit(runId, draft),
      head: () => log.head,
      now: this.#now,
      pipeline,
    });
    this.#active = run;
    run.done.finally(() => {
      if (this.#active !== run) return;
      this.#active = undefined;
      if (record.end_event_id !== null) this.#ends.set(record.run_id, record.end_event_id);
      this.#fanOut.wakeAll();
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

  /** Opens the log as an SSE stream after `afterId`; see the README for the contract. */
  openEvents(userId: string, afterId: number, untilRunEnds?: string): OpenedStream | Failure {
    const stores = this.#owned(userId);
    if (!stores) return failure("not_found", "session not found");
    const { log, store } = stores;
    if (afterId > log.head) {
      return failure("invalid_resume_point", `resume point ${afterId} is beyond the newest event id ${log.head}`);
    }
    this.#touchForRead(store);
    const runId = untilRunEnds ?? this.#active?.record.run_id;
    if (runId === undefined && afterId === log.head) return { ok: true, status: 204 };
    this.#readers++;
    const stream = createReaderStream(
      {
        log,
        fanOut: this.#fanOut,
        endOf: (id) => this.#endOf(id),
        isGone: () => this.#stores !== stores,
      },
      {
        afterId,
        untilRunEnds: runId,
        untilId: runId === undefined ? log.head : undefined,
        heartbeatMs: this.#host.config.heartbeatMs,
        retryMs: this.#host.config.sseRetryMs,
        pageRows: this.#host.config.replayPageRows,
        onClose: () => this.#readers--,
      },
    );
    return { ok: true, status: 200, stream };
  }

  #endOf(runId: string): number | undefined {
    const known = this.#ends.get(runId);
    if (known !== undefined || this.#active?.record.run_id === runId) return known;
    const end = this.#stores?.store.getRun(runId)?.end_event_id ?? undefined;
    if (end !== undefined) this.#ends.set(runId, end);
    return end;
  }

  snapshot(userId: string): ({ ok: true } & Record<string, unknown>) | Failure {
    const stores = this.#owned(userId);
    if (!stores) return failure("not_found", "session not found");
    const { store, log } = stores;
    const active = this.#active?.record;
    const runs = store.listRuns().map((run) => (run.run_id === active?.run_id ? active : run));
    return {
      ok: true as const,
      session_id: store.getMeta("session_id"),
      status: active ? "running" : "idle",
      active_run_id: active?.run_id ?? null,
      last_event_id: log.head,
      readers: this.#readers,
      created_at: store.getMeta("created_at"),
      updated_at: store.getMeta("updated_at"),
      runs: runs.map((run) => ({
        run_id: run.run_id,
        mode: run.mode,
        status: run.status,
        started_at: run.started_at,
        finished_at: run.finished_at,
        first_event_id: run.first_event_id,
        end_event_id: run.end_event_id,
        content: run.content,
        agents: run.agents,
      })),
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
    this.#fanOut.wakeAll();
    await this.#host.deleteAll();
    return { ok: true };
  }

  /** The alarm: keeps an active run's object alive, and deletes the session once it expired. */
  async onAlarm(): Promise<void> {
    const stores = this.#stores;
    if (!stores) return;
    if (this.#active) return this.#scheduleAlarm(stores.store);
    const updated = Date.parse(stores.store.getMeta("updated_at") ?? "");
    if (!(this.#now() < updated + this.#host.config.sessionTtlSeconds * 1000)) {
      await this.destroy();
      return;
    }
    this.#scheduleAlarm(stores.store);
  }
}
