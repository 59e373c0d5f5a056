/**
 * The shapes a Session works with: what its host (the Durable Object) hands it, what callers pass
 * in and what they get back.
 */

import type { RunRecord } from "../agents/run-record";
import type { Config } from "../env";
import { RUN_LEASE_MS, type StreamLeaseCalls } from "../limits/leases";
import type { LlmProvider } from "../llm/provider";
import type { Mode } from "../protocol/events";
import type { EventLog } from "./event-log";
import type { EventWriter } from "./event-writer";
import type { LeaseRef } from "./lease-registry";
import type { MemberStore } from "./member-store";
import type { SessionStore } from "./session-store";

/**
 * While a run is active the alarm fires this often, so the object is never idle-evicted mid-run;
 * each keepalive renews the run's lease, three times per lease lifetime.
 */
export const KEEPALIVE_MS = RUN_LEASE_MS / 3;

export interface SessionHost {
  sql: SqlStorage;
  /** Runs `fn` as one storage transaction (ctx.storage.transactionSync): a checkpoint commits whole or not at all. */
  transactionSync<T>(fn: () => T): T;
  config: Config;
  llm: LlmProvider;
  setAlarm(at: number): void;
  deleteAll(): Promise<void>;
  /**
   * The session's accepted (hibernatable) WebSockets, asked once per instance: the session keeps
   * its own set of open sockets from then on (open-sockets.ts).
   */
  sockets(): WebSocket[];
  /** Renews and releases the stream leases the object holds; none (limits off) when absent. */
  leases?: StreamLeaseCalls;
  now?: () => number;
  /** Told when a run ends (any status, also when its session is deleted): releases its run lease, audits. */
  onRunEnd?(run: RunRecord, owner: RunOwner): void;
  /** Told when a run pauses for a review that waits at most `waitMs`: its run lease is made to outlast the wait. */
  onRunPaused?(run: RunRecord, owner: RunOwner, waitMs: number): void;
  /** Told at every keepalive while a run is active: renews its run lease. */
  onRunAlive?(run: RunRecord, owner: RunOwner): void;
  /**
   * Told whenever the session's life is extended: activity, and every check on an active run.
   * Renews the session's lease (src/limits/session-leases.ts).
   */
  onActive?(owner: RunOwner): void;
  /** Told when the alarm deletes a session that stayed idle past its TTL (audited; releases its session lease). */
  onExpired?(owner: RunOwner): void;
  /** Told when the watchdog finds the active run stalled, just before it restarts the object (audited). */
  onRunStalled?(run: RunRecord, owner: RunOwner, silentMs: number): void;
  /**
   * Throws this instance away, as a crash would, after arranging for the alarm to wake a new one
   * soon (which resumes the unfinished run). Does not return normally.
   */
  restart(reason: string): Promise<void>;
}

/** Who a run belongs to, for the hooks. */
export interface RunOwner {
  userId: string;
  sessionId: string;
}

export interface StartInput {
  sessionId: string;
  userId: string;
  mode: Mode;
  message: string;
  options: Record<string, unknown>;
  /** Create the session (a POST without session_id); otherwise it must exist. */
  create: boolean;
  /** The run's id, when the caller chose it (the Worker names its run lease after it). */
  runId?: string;
}

export type Started = { ok: true; run_id: string; first_event_id: number };

export type OpenedStream = { ok: true; status: 200; stream: ReadableStream<Uint8Array> } | { ok: true; status: 204 };

/** The storage-backed parts of an existing session. */
export interface Stores {
  store: SessionStore;
  log: EventLog;
  writer: EventWriter;
  members: MemberStore;
}

/** How an event stream is opened. */
export interface OpenEventsOptions {
  /** End after this run's terminal event (default: the active run's, else the newest event). */
  untilRunEnds?: string;
  /** Refuse with rate_limited when this many streams (SSE and sockets) are already open on the session. */
  maxReaders?: number;
  /** The user's stream lease, held by the session from here on (released if refused, renewed, released at the end). */
  lease?: LeaseRef;
  /** Who reads (a user id or `share:<id>`), for presence. */
  watcher?: string;
  /** True while the reader may still read: the stream ends once it turns false (access revoked). */
  allowed?: () => boolean;
}
