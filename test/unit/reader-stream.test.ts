import { describe, expect, it, vi } from "vitest";
import { encodeEventFrame } from "../../src/protocol/sse";
import type { EventLog, LogRow } from "../../src/session/event-log";
import { FanOut } from "../../src/session/fan-out";
import { createReaderStream, READER_HIGH_WATER_BYTES, type ReaderSource } from "../../src/session/reader-stream";
import { sleep } from "../helpers/sleep";

/** A log of `n` rows of about `size` bytes each, counting the pages read. */
function fakeLog(n: number, size = 1000) {
  const rows: LogRow[] = Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    json: JSON.stringify({ id: i + 1, pad: "x".repeat(size) }),
  }));
  const stats = { pages: 0, rowsRead: 0 };
  const log = {
    get head() {
      return rows.length;
    },
    readFrames(after: number, limit = 256, until = rows.length) {
      stats.pages++;
      const page = rows.filter((r) => r.id > after && r.id <= until).slice(0, limit);
      stats.rowsRead += page.length;
      const text = page.map((r) => encodeEventFrame(r.id, r.json)).join("");
      return { frames: new TextEncoder().encode(text), lastId: page[page.length - 1].id };
    },
  };
  return { log: log as unknown as EventLog, rows, stats };
}

function source(log: EventLog, fanOut = new FanOut(), end?: number): ReaderSource {
  return { log, fanOut, endOf: () => end, isGone: () => false };
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

describe("reader stream", () => {
  it("starts with the retry field and replays ids after the resume point up to the stop id", async () => {
    const { log } = fakeLog(5, 1);
    const text = await readAll(
      createReaderStream(source(log), { afterId: 2, untilId: 5, heartbeatMs: 1000, retryMs: 1500 }),
    );
    expect(text.startsWith("retry: 1500\n\n")).toBe(true);
    expect([...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]))).toEqual([3, 4, 5]);
  });

  it("sends a heartbeat comment while waiting for a run's next event", async () => {
    const { log } = fakeLog(1, 1);
    const stream = createReaderStream(source(log), { afterId: 1, untilRunEnds: "r", heartbeatMs: 20, retryMs: 1000 });
    const reader = stream.getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (!text.includes(": heartbeat\n\n")) text += decoder.decode((await reader.read()).value);
    await reader.cancel();
    expect(text).toBe("retry: 1000\n\n: heartbeat\n\n");
  });

  it("does not read ahead for a reader that is not reading: memory stays bounded", async () => {
    const { log, stats } = fakeLog(10_000, 1000);
    let closed = 0;
    const stream = createReaderStream(source(log), {
      afterId: 0,
      untilId: 10_000,
      heartbeatMs: 1000,
      retryMs: 1000,
      onClose: () => closed++,
    });
    // The stream reads ahead on its own, before anyone reads it: wait for that first page, then
    // give it the time it would take to read on past the high-water mark, were it to.
    await vi.waitFor(() => expect(stats.rowsRead).toBeGreaterThan(0), { timeout: 1_000, interval: 5 });
    await sleep(50);
    // One page (256 rows of ~1 KB) fills past the high-water mark; nothing more is read.
    expect(stats.rowsRead).toBeLessThanOrEqual(256 * Math.ceil(READER_HIGH_WATER_BYTES / (256 * 1000) + 1));
    const text = await readAll(stream);
    expect(text.match(/^id: /gm)).toHaveLength(10_000);
    expect(closed).toBe(1);
  });

  it("reads pageRows rows per storage page when configured", async () => {
    const { log, stats } = fakeLog(5, 1);
    const text = await readAll(
      createReaderStream(source(log), { afterId: 0, untilId: 5, heartbeatMs: 1000, retryMs: 1000, pageRows: 2 }),
    );
    expect(text.match(/^id: /gm)).toHaveLength(5);
    expect(stats.pages).toBe(3);
  });

  it("takes a live batch's shared bytes when caught up, and reads the gap from storage when behind", async () => {
    const { log, rows, stats } = fakeLog(2, 1);
    const fanOut = new FanOut();
    let end: number | undefined;
    const stream = createReaderStream(
      { log, fanOut, endOf: () => end, isGone: () => false },
      { afterId: 2, untilRunEnds: "r", heartbeatMs: 5000, retryMs: 1000 },
    );
    const reading = readAll(stream);
    await sleep(10);
    const pagesBefore = stats.pages;
    rows.push({ id: 3, json: '{"id":3}' });
    end = 3;
    fanOut.publish({
      firstId: 3,
      lastId: 3,
      jsons: [`{"id":3}`],
      frames: new TextEncoder().encode('id: 3\ndata: {"id":3}\n\n'),
    });
    const text = await reading;
    expect(text).toBe('retry: 1000\n\nid: 3\ndata: {"id":3}\n\n');
    expect(stats.pages).toBe(pagesBefore);
  });

  it("takes batch after batch while its client reads, and stops taking them at the high-water mark", async () => {
    const { log, rows, stats } = fakeLog(0, 1);
    const fanOut = new FanOut();
    let end: number | undefined;
    const stream = createReaderStream(
      { log, fanOut, endOf: () => end, isGone: () => false },
      { afterId: 0, untilRunEnds: "r", heartbeatMs: 5000, retryMs: 1000 },
    );
    const batchBytes = 16 * 1024;
    const publish = (id: number) => {
      const json = JSON.stringify({ id, pad: "x".repeat(batchBytes) });
      rows.push({ id, json });
      fanOut.publish({
        firstId: id,
        lastId: id,
        jsons: [json],
        frames: new TextEncoder().encode(encodeEventFrame(id, json)),
      });
    };
    const reader = stream.getReader();
    await reader.read(); // the retry field
    // A client that keeps up: every batch reaches it as the batch's own bytes, none from storage.
    for (let id = 1; id <= 20; id++) {
      publish(id);
      const { value } = await reader.read();
      expect(new TextDecoder().decode(value).startsWith(`id: ${id}\n`)).toBe(true);
    }
    expect(stats.pages).toBe(0);
    // A client that stops reading: the stream takes batches only up to its high-water mark.
    const parked = fanOut.waiting;
    for (let id = 21; id <= 40; id++) {
      publish(id);
      await sleep(1);
    }
    const taken = Math.ceil(READER_HIGH_WATER_BYTES / batchBytes);
    expect(parked).toBe(1);
    expect(fanOut.waiting).toBe(0);
    // It reads on once the client does, the rest from storage, every id once and in order.
    end = 40;
    const decoder = new TextDecoder();
    let text = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    expect([...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]))).toEqual(
      Array.from({ length: 20 }, (_, i) => 21 + i),
    );
    expect(stats.pages).toBeGreaterThan(0);
    expect(stats.rowsRead).toBeLessThanOrEqual(20 - taken + 1);
  });
});
