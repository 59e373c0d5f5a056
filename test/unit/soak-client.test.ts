/**
 * The soak's client (test/helpers/soak-client.ts) against a local HTTP server that stalls: it
 * keeps to its slots, closes every connection it gives up on, backs off and resumes streams.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { emptyStats, SoakClient, type SoakClientLimits } from "../helpers/soak-client";
import { emptyRead } from "../helpers/sse";

const LIMITS: SoakClientLimits = { requestMs: 300, idleMs: 300, giveUpMs: 1500, backoffMs: { first: 20, max: 100 } };

let server: Server | undefined;
/** Requests the server holds open right now, and the most it held at once. */
let open = 0;
let maxOpen = 0;
/** Connections the server saw closed by the client before it answered them. */
let closedByClient = 0;

async function serve(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  open = 0;
  maxOpen = 0;
  closedByClient = 0;
  const created = createServer((req, res) => {
    open++;
    maxOpen = Math.max(maxOpen, open);
    res.on("close", () => {
      open--;
      if (!res.writableEnded) closedByClient++;
    });
    handle(req, res);
  });
  server = created;
  await new Promise<void>((ready) => created.listen(0, "127.0.0.1", ready));
  return `http://127.0.0.1:${(created.address() as AddressInfo).port}`;
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((done) => server?.close(done));
  server = undefined;
});

function sse(res: ServerResponse, ids: number[]): void {
  res.writeHead(200, { "Content-Type": "text/event-stream" });
  for (const id of ids) res.write(`id: ${id}\ndata: ${JSON.stringify({ id, event_type: "llm_chunk" })}\n\n`);
}

describe("soak client", () => {
  it("keeps a loop to its slots however many requests it is given", async () => {
    const url = await serve((_req, res) => setTimeout(() => res.end("{}"), 50));
    const stats = emptyStats();
    const client = new SoakClient(url, {}, LIMITS, stats, 3);
    const answers = await Promise.all(Array.from({ length: 10 }, () => client.request("/x")));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(maxOpen).toBeLessThanOrEqual(3);
    expect(stats).toMatchObject({ maxInFlightPerLoop: 3, inFlight: 0 });
  });

  it("closes a request that gets no answer, retries it with backoff, and gives up saying why", async () => {
    const url = await serve(() => {}); // never answers
    const stats = emptyStats();
    const client = new SoakClient(url, {}, LIMITS, stats, 3);
    const failed = await client.request("/stalled").catch((error: Error) => error.message);
    expect(failed).toMatch(/^GET \/stalled gave up after \d+ attempts in \d+ ms: .*TimeoutError/);
    // Every attempt's connection was closed by the client; none is left open on the server.
    await vi.waitFor(() => expect(open).toBe(0), { timeout: 2000, interval: 20 });
    expect(closedByClient).toBe(stats.timeouts);
    expect(stats.timeouts).toBeGreaterThanOrEqual(3);
    expect(maxOpen).toBe(1);
  });

  it("waits out a 429's Retry-After before trying again", async () => {
    let calls = 0;
    const times: number[] = [];
    const url = await serve((_req, res) => {
      times.push(Date.now());
      if (calls++ === 0) res.writeHead(429, { "Retry-After": "1" }).end("busy");
      else res.end("ok");
    });
    const stats = emptyStats();
    const answer = await new SoakClient(url, {}, { ...LIMITS, giveUpMs: 5000 }, stats, 3).request("/busy");
    expect(answer).toMatchObject({ status: 200, text: "ok" });
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(1000);
    expect(stats.busy).toBe(1);
  });

  it("drops a stream that goes silent and resumes it after its last event id", async () => {
    const asked: (string | undefined)[] = [];
    const url = await serve((req, res) => {
      const last = req.headers["last-event-id"] as string | undefined;
      asked.push(last);
      if (last === undefined)
        sse(res, [1, 2]); // then silence, connection open
      else {
        sse(res, [3, 4]);
        res.end();
      }
    });
    const stats = emptyStats();
    const read = await new SoakClient(url, {}, LIMITS, stats, 3).readEvents("/events", emptyRead());
    expect(read.events.map((e) => e.id)).toEqual([1, 2, 3, 4]);
    expect(asked).toEqual([undefined, "2"]);
    expect(stats).toMatchObject({ resumes: 1, timeouts: 1 });
    expect(closedByClient).toBe(1);
  });

  it("closes a stream it leaves after enough events, though the server would go on", async () => {
    const url = await serve((_req, res) => sse(res, [1, 2, 3, 4, 5]));
    const read = await new SoakClient(url, {}, LIMITS, emptyStats(), 3).readEvents("/events", emptyRead(), 2);
    expect(read.events.map((e) => e.id)).toEqual([1, 2]);
    await vi.waitFor(() => expect(open).toBe(0), { timeout: 2000, interval: 20 });
    expect(closedByClient).toBe(1);
  });

  it("fails a stream that delivers nothing new for giveUpMs, naming the last failure", async () => {
    const url = await serve((_req, res) =>
      res.writeHead(200, { "Content-Type": "text/event-stream" }).write(": hi\n\n"),
    );
    const failed = await new SoakClient(url, {}, LIMITS, emptyStats(), 3)
      .readEvents("/events?x=1", emptyRead())
      .catch((error: Error) => error.message);
    expect(failed).toMatch(
      /^reading \/events: no new event for \d+ ms \(\d+ attempts\), last: Error: idle: no data for 300 ms/,
    );
    await vi.waitFor(() => expect(open).toBe(0), { timeout: 2000, interval: 20 });
  });
});
