/**
 * A session's readers over both transports, SSE (session-readers.ts) and WebSocket
 * (session-sockets.ts), wired to the one registry of the stream leases they hold
 * (lease-registry.ts) and to the session's stream limit, which they share.
 */
import type { Failure } from "../protocol/errors";
import { type Watcher, WS_CLOSE, WS_CLOSE_REASONS } from "../protocol/ws";
import type { Action, Caller } from "./access";
import type { EventLog } from "./event-log";
import type { FlushedBatch } from "./event-writer";
import { LeaseRegistry } from "./lease-registry";
import { presenceOf } from "./presence";
import { PresenceNotifier } from "./presence-notifier";
import { SessionReaders } from "./session-readers";
import { SessionSockets } from "./session-sockets";
import type { SessionHost, Stores } from "./session-types";

/** What the streams need of their session. */
export interface StreamsDeps {
  host: Pick<SessionHost, "config" | "leases" | "sockets">;
  /** The session's stores if the caller may do `action` (session-access.ts); else the refusal. */
  allowed(caller: Caller, action: Action): Stores | Failure;
  cancel(caller: Caller): { ok: true; run_id: string } | Failure;
  /** Id of the active run, if one is running. */
  activeRunId(): string | undefined;
  /** Records activity on the session (extends its life). */
  touch(stores: Stores): void;
  now(): number;
}

/** The lease calls of a host without limits (tests of a session alone). */
const NO_LEASES = { renew: () => {}, release: async () => {} };

/** The readers of both transports of one session and the leases they hold. */
export class SessionStreams {
  readonly leases: LeaseRegistry;
  readonly readers: SessionReaders;
  readonly sockets: SessionSockets;
  /** Tells the sockets who is watching, at most once per PRESENCE_PUSH_MS (presence-notifier.ts). */
  #presence: PresenceNotifier;

  constructor({ host, allowed, cancel, activeRunId, touch, now }: StreamsDeps) {
    const { config } = host;
    this.leases = new LeaseRegistry(host.leases ?? NO_LEASES, config.streamLeaseSeconds * 1000, now);
    this.readers = new SessionReaders({
      activeRunId,
      leases: this.leases,
      sockets: () => this.sockets.count,
      heartbeatMs: config.heartbeatMs,
      retryMs: config.sseRetryMs,
      pageRows: config.replayPageRows,
      onPresence: () => this.#presence.changed(),
    });
    this.sockets = new SessionSockets({
      sockets: host.sockets,
      allowed,
      cancel,
      onPresence: (joined) => this.#presence.changed(joined),
      readers: () => this.readers.count,
      touch,
      leases: this.leases,
      pageRows: config.replayPageRows,
      now,
    });
    this.#presence = new PresenceNotifier({
      current: () => this.presence(),
      push: (watching) => this.sockets.broadcast({ type: "presence", watching }),
      now,
    });
  }

  /** A flush of the session's writer, for every reader of either transport. */
  publish(log: EventLog, batch: FlushedBatch): void {
    this.readers.publish(batch);
    this.sockets.publish(log, batch);
  }

  /** Who is watching now, over either transport (presence.ts). */
  presence(): Watcher[] {
    return presenceOf([...this.readers.watching(), ...this.sockets.watching()]);
  }

  /** Membership or share links changed: streams and sockets whose caller lost access end now. */
  accessChanged(): void {
    this.readers.recheck();
    this.sockets.closeRevoked();
  }

  /** Open SSE streams and sockets (for the snapshot). */
  counts(): { readers: number; sockets: number } {
    return { readers: this.readers.count, sockets: this.sockets.count };
  }

  /** The session was deleted: SSE streams end and sockets are closed (1000). */
  ended(): void {
    this.readers.fanOut.wakeAll();
    this.sockets.closeAll(WS_CLOSE.NORMAL, WS_CLOSE_REASONS.DELETED);
  }

  /** The session's alarm was set to `at`: socket leases are made to outlast it. */
  alarmSet(at: number): void {
    this.leases.alarmSet(at, this.sockets.leases());
  }

  /** The object is about to be thrown away: every stream lease goes back first. */
  releaseAll(): Promise<void> {
    return this.leases.releaseAll(this.sockets.leases());
  }
}
