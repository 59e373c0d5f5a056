/**
 * A stand-in for the server's end of a hibernatable WebSocket (what the session object holds),
 * and a fake event log, so the socket modules of src/session run under Node: the socket keeps
 * what was sent, its close, and its attachment (structured-cloned, as the runtime does).
 */
import type { EventLog, LogRow } from "../../src/session/event-log";

export class FakeServerSocket {
  readyState = 1;
  sent: string[] = [];
  closedWith: { code: number; reason: string } | undefined;
  #attachment: unknown = null;

  send(text: string): void {
    if (this.closedWith) throw new TypeError("Can't call WebSocket send() after close().");
    this.sent.push(text);
  }

  close(code: number, reason: string): void {
    this.closedWith ??= { code, reason };
  }

  serializeAttachment(value: unknown): void {
    this.#attachment = structuredClone(value);
  }

  deserializeAttachment(): unknown {
    return structuredClone(this.#attachment);
  }

  /** Characters sent so far (what an acknowledging client would report). */
  get chars(): number {
    return this.sent.reduce((sum, text) => sum + text.length, 0);
  }

  /** Ids of the events sent, in order. */
  get ids(): number[] {
    return this.sent
      .filter((text) => text.startsWith("["))
      .flatMap((text) => (JSON.parse(text) as { id: number }[]).map((e) => e.id));
  }

  get asWebSocket(): WebSocket {
    return this as unknown as WebSocket;
  }
}

/** A log of `n` events of about `chars` characters each; `append` adds more. */
export function fakeLog(n: number, chars = 100) {
  const rows: LogRow[] = [];
  const stats = { reads: 0 };
  const append = (count: number) => {
    for (let i = 0; i < count; i++) {
      const id = rows.length + 1;
      rows.push({ id, json: JSON.stringify({ id, pad: "x".repeat(chars) }) });
    }
    return rows.slice(-count);
  };
  append(n);
  const log = {
    get head() {
      return rows.length;
    },
    readAfter(after: number, limit = 256, until = rows.length) {
      stats.reads++;
      return rows.filter((r) => r.id > after && r.id <= until).slice(0, limit);
    },
  };
  return { log: log as unknown as EventLog, rows, stats, append };
}
