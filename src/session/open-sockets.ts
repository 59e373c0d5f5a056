/**
 * The sockets a session may still send to, kept by the session itself: a socket joins the set
 * when it is attached and leaves it when it closes or fails (by either side). Every flush, join
 * and presence push walks this set instead of asking the runtime for its accepted sockets and
 * each one's readyState, which made a JS wrapper per socket per walk (docs/performance.md,
 * "our own socket set"). The set lives in memory only: after the object hibernated, it is
 * rebuilt once, on first use, from the runtime's accepted sockets and their attachments.
 */
import { isLive, readState } from "./socket-state";

/** The open sockets of one session: see the file comment. */
export class OpenSockets implements Iterable<WebSocket> {
  /** The runtime's accepted sockets (ctx.getWebSockets()), asked once per object instance. */
  #accepted: () => Iterable<WebSocket>;
  #open: Set<WebSocket> | undefined;

  constructor(accepted: () => Iterable<WebSocket>) {
    this.#accepted = accepted;
  }

  /** The set, rebuilt from the accepted sockets the first time (a new or woken instance). */
  #set(): Set<WebSocket> {
    if (this.#open) return this.#open;
    const open = new Set<WebSocket>();
    // A socket closed before the object slept says so in its attachment (its readyState may lag).
    for (const ws of this.#accepted()) if (isLive(ws, readState(ws))) open.add(ws);
    this.#open = open;
    return open;
  }

  /** A socket was accepted and attached. */
  add(ws: WebSocket): void {
    this.#set().add(ws);
  }

  /** A socket closed or failed: nothing more is sent to it. */
  delete(ws: WebSocket): void {
    this.#set().delete(ws);
  }

  has(ws: WebSocket): boolean {
    return this.#set().has(ws);
  }

  get size(): number {
    return this.#set().size;
  }

  /** The open sockets; one may leave the set while this is walked (Set iteration allows it). */
  [Symbol.iterator](): Iterator<WebSocket> {
    return this.#set().values();
  }
}
