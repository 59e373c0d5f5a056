/**
 * Delivery to a session's WebSockets. A caught-up socket gets each flush as one message, built
 * once per flush and shared by every socket. A socket with a backlog (it attached or resumed
 * behind the head, or its window filled) is pumped from storage in pages of bounded size, one
 * page per turn of the event loop, so a long backlog never holds up the object's other readers.
 * Nothing is sent past a socket's window (WS_FLOW: the runtime would queue it in memory however
 * slowly the client reads); a socket whose window stays full for BEHIND_MS is closed with
 * WS_CLOSE.BEHIND, which tells the client to resume on a new socket.
 */
import { WS_CLOSE, WS_CLOSE_REASONS, WS_FLOW } from "../protocol/ws";
import type { EventLog } from "./event-log";
import type { FlushedBatch } from "./event-writer";
import {
  eventsMessage,
  fits,
  isLive,
  isOpen,
  readState,
  type SocketAttachment,
  sendText,
  unacked,
  writeState,
} from "./socket-state";

/** What the hub needs of its session. */
export interface HubDeps {
  /** The session's open sockets (open-sockets.ts): one that closes leaves them. */
  sockets(): Iterable<WebSocket>;
  now(): number;
  /** Most rows read from storage for one page. */
  pageRows: number;
  /** Told after the hub closed a socket (its lease goes back). */
  onClosed(ws: WebSocket): void;
  /**
   * Asked before a flush goes to a share link's socket: true when the link expired and the
   * socket was closed for it (docs/sharing.md). Other sockets are checked on membership changes.
   */
  expired?(ws: WebSocket, state: SocketAttachment): boolean;
}

/** Lets the object's other work run between two pages of a backlog. */
const nextTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Delivery to the sockets of one session: see the file comment. */
export class SocketHub {
  #deps: HubDeps;
  /** Sockets whose backlog is being sent from storage: flushes leave them to their pump. */
  #pumping = new Set<WebSocket>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerDue = Number.POSITIVE_INFINITY;

  constructor(deps: HubDeps) {
    this.#deps = deps;
  }

  /** A flush: each caught-up socket with room gets it; a socket behind is pumped from storage. */
  publish(log: EventLog, batch: FlushedBatch): void {
    let message: string | undefined;
    for (const ws of this.#deps.sockets()) {
      const state = readState(ws);
      // A paused socket waits for its client's ack, which pumps it: nothing to do per flush.
      if (!isOpen(state) || this.#pumping.has(ws) || state.pausedAt !== undefined) continue;
      if (state.shareId !== undefined && this.#deps.expired?.(ws, state)) continue;
      if (state.cursor !== batch.firstId - 1) {
        this.pump(ws, log);
        continue;
      }
      message ??= eventsMessage(batch.jsons);
      if (fits(state, message.length)) sendText(ws, state, message, batch.lastId);
      else this.#pause(ws, state);
    }
  }

  /** Sends `ws` what it is missing after its cursor, a page per turn, as far as its window allows. */
  pump(ws: WebSocket, log: EventLog): void {
    if (this.#pumping.has(ws)) return;
    this.#pumping.add(ws);
    void this.#pumpPages(ws, log).finally(() => this.#pumping.delete(ws));
  }

  async #pumpPages(ws: WebSocket, log: EventLog): Promise<void> {
    // Rows to read for the next page: pages are bounded in characters, so after a page that used
    // few of the rows read, fewer are read for the next (large events).
    let rowsToRead = this.#deps.pageRows;
    for (;;) {
      const state = readState(ws);
      if (!isLive(ws, state) || state.cursor >= log.head) return;
      const owed = unacked(state);
      const mustSend = owed < WS_FLOW.ACK_EVERY_CHARS;
      const room = WS_FLOW.WINDOW_CHARS - owed;
      if (!mustSend && room <= 0) {
        this.#pause(ws, state);
        return;
      }
      const budget = mustSend ? WS_FLOW.PAGE_CHARS : Math.min(WS_FLOW.PAGE_CHARS, room);
      const rows = log.readAfter(state.cursor, rowsToRead);
      let take = 0;
      let chars = 1;
      while (take < rows.length && chars + rows[take].json.length + 1 <= budget) chars += rows[take++].json.length + 1;
      // An event larger than a page goes out alone, when the window takes it (see fits()).
      if (take === 0 && rows.length > 0 && fits(state, rows[0].json.length + 2)) take = 1;
      if (take === 0) {
        this.#pause(ws, state);
        return;
      }
      const page = rows.slice(0, take);
      if (!sendText(ws, state, eventsMessage(page.map((row) => row.json)), page[take - 1].id)) return;
      rowsToRead = Math.min(this.#deps.pageRows, Math.max(take * 2, 1));
      await nextTurn();
    }
  }

  /** The window is full with events still to send: the socket waits for an ack, BEHIND_MS at most. */
  #pause(ws: WebSocket, state: SocketAttachment): void {
    if (state.pausedAt !== undefined) return;
    const pausedAt = this.#deps.now();
    writeState(ws, { ...state, pausedAt });
    this.#arm(pausedAt + WS_FLOW.BEHIND_MS);
  }

  /** Closes every socket whose window has been full for BEHIND_MS; keeps watching the others. */
  checkBehind(): void {
    const now = this.#deps.now();
    let next = Number.POSITIVE_INFINITY;
    for (const ws of this.#deps.sockets()) {
      const state = readState(ws);
      const pausedAt = state?.pausedAt;
      if (pausedAt === undefined || !isOpen(state)) continue;
      const due = pausedAt + WS_FLOW.BEHIND_MS;
      if (due > now) {
        next = Math.min(next, due);
        continue;
      }
      ws.close(WS_CLOSE.BEHIND, WS_CLOSE_REASONS.BEHIND);
      this.#deps.onClosed(ws);
    }
    if (next < Number.POSITIVE_INFINITY) this.#arm(next);
  }

  /** One timer for every paused socket, due at the earliest deadline (as the fan-out's). */
  #arm(due: number): void {
    if (due >= this.#timerDue) return;
    clearTimeout(this.#timer);
    this.#timerDue = due;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#timerDue = Number.POSITIVE_INFINITY;
        this.checkBehind();
      },
      Math.max(1, due - this.#deps.now()),
    );
  }
}
