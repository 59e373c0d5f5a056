/**
 * A session's WebSocket readers: whether one may open, attaching it, its messages, and its stream
 * lease from open to close. Sockets are accepted with the hibernation API, so everything about a
 * socket lives in its attachment (socket-state.ts) and the object may sleep while they idle;
 * delivery is socket-hub.ts, client messages socket-messages.ts, leases lease-registry.ts.
 */
import { type Failure, failure } from "../protocol/errors";
import { WS_CLOSE, WS_CLOSE_REASONS, type WsControlMessage } from "../protocol/ws";
import { ACTIONS, type Action, type Caller, toCaller } from "./access";
import type { EventLog } from "./event-log";
import type { FlushedBatch } from "./event-writer";
import type { LeaseRef, LeaseRegistry } from "./lease-registry";
import { OpenSockets } from "./open-sockets";
import type { Watching } from "./presence";
import { isFailure } from "./session-access";
import type { Stores } from "./session-types";
import { SocketHub } from "./socket-hub";
import { handleSocketMessage } from "./socket-messages";
import { isOpen, readState, type SocketAttachment, sendText, writeState } from "./socket-state";

/** The caller a socket acts for, from its attachment. */
export function socketCaller(state: SocketAttachment): Caller {
  return { userId: state.userId, readOnly: !state.canWrite, shareId: state.shareId };
}

/** What the sockets need of their session. */
export interface SocketsDeps {
  /** The session's accepted (hibernatable) WebSockets: asked once, when the instance first needs them. */
  sockets(): Iterable<WebSocket>;
  /** The session's stores if the caller may do `action` (session-access.ts); else the refusal. */
  allowed(caller: Caller, action: Action): Stores | Failure;
  cancel(caller: Caller): { ok: true; run_id: string } | Failure;
  /** Told when a socket opens (`joined`) or closes: presence changed. */
  onPresence?(joined?: boolean): void;
  /** Open SSE streams: they share the session's stream limit with the sockets. */
  readers(): number;
  /** Records activity on the session (extends its life). */
  touch(stores: Stores): void;
  leases: LeaseRegistry;
  /** Most rows read from storage for one page of a backlog. */
  pageRows: number;
  now(): number;
}

/** A new socket: who opened it, from where, and the stream lease it holds (if limits are on). */
export interface SocketInit {
  caller: Caller;
  canWrite: boolean;
  afterId: number;
  lease?: string;
}

/** The refusal of a stream over the session's limit, the same for SSE and sockets. */
export function sessionFull(open: number, max: number): Failure {
  return failure("rate_limited", `this session already has ${open} open event streams and WebSockets (limit ${max})`);
}

/** A session's WebSockets, from the upgrade to the close. */
export class SessionSockets {
  #deps: SocketsDeps;
  #hub: SocketHub;
  /**
   * Sockets this instance saw closed. A flooding client's frames keep arriving after the close
   * (the runtime read them already); each is dropped here without even reading the attachment.
   */
  #closed = new WeakSet<WebSocket>();
  /** The sockets still open, kept here (open-sockets.ts) rather than asked of the runtime each walk. */
  #open: OpenSockets;

  constructor(deps: SocketsDeps) {
    this.#deps = deps;
    this.#open = new OpenSockets(deps.sockets);
    this.#hub = new SocketHub({
      sockets: () => this.#open,
      now: deps.now,
      pageRows: deps.pageRows,
      onClosed: (ws) => this.closed(ws),
      expired: (ws, state) => this.#closeIfRevoked(ws, state),
    });
  }

  /** Open sockets (one the server has closed no longer counts). */
  get count(): number {
    return this.#open.size;
  }

  /** The stream leases of the open sockets, read from their attachments. */
  leases(): LeaseRef[] {
    const leases: LeaseRef[] = [];
    for (const ws of this.#open) {
      const state = readState(ws);
      if (isOpen(state) && state.lease) leases.push({ userId: state.userId, id: state.lease });
    }
    return leases;
  }

  /**
   * Whether `userId` may follow the session over a new socket from `afterId`, with at most
   * `maxStreams` SSE streams and sockets open on it. A refused socket's lease goes back at once.
   */
  canOpen(who: Caller | string, afterId: number, maxStreams: number, lease?: string): { ok: true } | Failure {
    const caller = toCaller(who);
    const refuse = (refusal: Failure) => {
      if (lease) void this.#deps.leases.release([{ userId: caller.userId, id: lease }]);
      return refusal;
    };
    const stores = this.#deps.allowed(caller, ACTIONS.READ);
    if (isFailure(stores)) return refuse(stores);
    const open = this.count + this.#deps.readers();
    if (open >= maxStreams) return refuse(sessionFull(open, maxStreams));
    const head = stores.log.head;
    if (afterId > head) {
      return refuse(failure("invalid_resume_point", `resume point ${afterId} is beyond the newest event id ${head}`));
    }
    this.#deps.touch(stores);
    return { ok: true };
  }

  /** Starts an accepted socket: it holds its lease, and gets the log after `afterId`, then every flush. */
  attach(ws: WebSocket, init: SocketInit): void {
    const stores = this.#deps.allowed(init.caller, ACTIONS.READ);
    const { caller, canWrite, afterId, lease } = init;
    const { userId, shareId } = caller;
    writeState(ws, { userId, shareId, canWrite, cursor: afterId, strikes: 0, lease, sent: 0, acked: 0 });
    this.#open.add(ws);
    if (lease) this.#deps.leases.holdSocket({ userId, id: lease });
    this.#deps.onPresence?.(true);
    if (!isFailure(stores)) this.#hub.pump(ws, stores.log);
  }

  /** Who has a socket open, one entry per socket (presence.ts). */
  *watching(): Generator<Watching> {
    for (const ws of this.#open) {
      const state = readState(ws);
      if (isOpen(state)) yield { id: state.userId, transport: "ws" };
    }
  }

  /** Sends a control message to every open socket (presence; outside the flow-control window). */
  broadcast(message: WsControlMessage): void {
    // One text for every socket, as a flush's message is.
    const text = JSON.stringify(message);
    for (const ws of this.#open) {
      const state = readState(ws);
      if (isOpen(state)) sendText(ws, state, text);
    }
  }

  /** Closes the sockets whose caller may no longer read the session (4003). */
  closeRevoked(): void {
    for (const ws of this.#open) {
      const state = readState(ws);
      if (isOpen(state)) this.#closeIfRevoked(ws, state);
    }
  }

  /** Closes `ws` (4003) when its caller may no longer read the session; true when it did. */
  #closeIfRevoked(ws: WebSocket, state: SocketAttachment): boolean {
    if (!isFailure(this.#deps.allowed(socketCaller(state), ACTIONS.READ))) return false;
    ws.close(WS_CLOSE.REVOKED, WS_CLOSE_REASONS.REVOKED);
    this.closed(ws);
    return true;
  }

  /**
   * A flush of the session's writer: every socket gets it, now or from storage (a share link's
   * socket whose link expired is closed instead).
   */
  publish(log: EventLog, batch: FlushedBatch): void {
    this.#hub.publish(log, batch);
  }

  /** A client message: ack, resume, or cancel for the owner; anything else is refused. */
  onMessage(ws: WebSocket, data: string | ArrayBuffer): void {
    if (this.#closed.has(ws)) return;
    handleSocketMessage(ws, data, {
      logFor: (state) => {
        const stores = this.#deps.allowed(socketCaller(state), ACTIONS.READ);
        return isFailure(stores) ? undefined : stores.log;
      },
      cancel: (state) => this.#deps.cancel(socketCaller(state)),
      pump: (ws, log) => this.#hub.pump(ws, log),
      onClosed: (ws) => this.closed(ws),
      now: this.#deps.now,
    });
  }

  /** A socket closed or failed, by either side: nothing more is sent to it, and its lease goes back (once). */
  closed(ws: WebSocket): void {
    this.#closed.add(ws);
    this.#open.delete(ws);
    const state = readState(ws);
    if (!state || state.closed) return;
    try {
      writeState(ws, { ...state, closed: true, lease: undefined });
    } catch {
      // A socket already gone keeps no attachment: nothing can release its lease twice then.
    }
    if (state.lease) void this.#deps.leases.release([{ userId: state.userId, id: state.lease }]);
    this.#deps.onPresence?.();
  }

  /** Closes every socket (the session was deleted or expired). */
  closeAll(code: number, reason: string): void {
    for (const ws of [...this.#open]) {
      ws.close(code, reason);
      this.closed(ws);
    }
  }

  /** Closes sockets that stayed too long with a full window (also run by the alarm, after a wake). */
  checkBehind(): void {
    this.#hub.checkBehind();
  }
}
