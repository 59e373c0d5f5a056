/**
 * Interop with the official TypeScript client (`@durable-streams/client`) against `wrangler dev`:
 * its IdempotentProducer appends 10,000 JSON messages while a reader following with the client
 * is cut off at random points and resumes from its last offset: it gets every message once, in
 * order. Then the same client follows a session's Nova3 run at /v1/stream/sessions/<id>.
 */
import { DurableStream, IdempotentProducer } from "@durable-streams/client";
import { expect, inject, it } from "vitest";
import { EVENT_TYPES, type StreamEvent } from "../../src/protocol/events";
import { apiClient } from "../helpers/api-client";
import { userToken } from "../helpers/tokens";
import { followWithCuts, seededRandom } from "./client-follow";

const baseUrl = inject("dsBaseUrl");
const USER = "interop-user";
const MESSAGES = 10_000;

it("a reader cut at random points gets all 10,000 messages of a live producer once, in order", async () => {
  const headers = { Authorization: `Bearer ${await userToken(USER)}` };
  const url = `${baseUrl}/v1/stream/interop-${Date.now()}`;
  const handle = await DurableStream.create({ url, headers, contentType: "application/json" });
  const errors: Error[] = [];
  const producer = new IdempotentProducer(handle, "interop-producer", {
    lingerMs: 2,
    maxBatchBytes: 16 * 1024,
    onError: (error) => errors.push(error),
  });
  const writing = (async () => {
    for (let i = 0; i < MESSAGES; i++) {
      producer.append(JSON.stringify({ i, text: `message ${i}` }));
      // Paced, so the reader is live (not only catching up) and many cuts land mid-stream.
      if (i % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await producer.close();
  })();

  const seen: number[] = [];
  const seed = Number(process.env.DS_INTEROP_SEED ?? Date.now() % 100_000);
  const connections = await followWithCuts<{ i: number }>({
    url,
    headers,
    random: seededRandom(seed),
    maxBatchesPerConnection: 4,
    onItem: (item) => seen.push(item.i),
  });
  await writing;

  expect(errors, `producer errors (seed ${seed})`).toEqual([]);
  expect(connections, "the reader was cut and resumed many times").toBeGreaterThan(10);
  const missing = [...Array(MESSAGES).keys()].filter((i) => !seen.includes(i));
  let stored = 0;
  for (let offset = "-1", upToDate = false; !upToDate; ) {
    const page = await fetch(`${url}?offset=${offset}`, { headers });
    stored += ((await page.json()) as unknown[]).length;
    offset = page.headers.get("Stream-Next-Offset") ?? "";
    upToDate = page.headers.get("Stream-Up-To-Date") === "true";
  }
  expect({ missing: missing.slice(0, 5), missingCount: missing.length, stored }, `seed ${seed}`).toEqual({
    missing: [],
    missingCount: 0,
    stored: MESSAGES,
  });
  expect(seen.length, `seed ${seed}`).toBe(MESSAGES);
  expect(
    seen.every((value, index) => value === index),
    `in order, once each (seed ${seed})`,
  ).toBe(true);
}, 180_000);

it("the client follows a session's Nova3 run to run_complete through cuts, event ids in order", async () => {
  const client = apiClient({
    baseUrl,
    fetch,
    tokenFor: userToken,
    defaultUser: USER,
    idlePollMs: 100,
    idleTimeoutMs: 60_000,
  });
  const started = await client.startDetached("novachat", { message: "Durable Streams interop" });
  const headers = { Authorization: `Bearer ${await userToken(USER)}` };
  const events: StreamEvent[] = [];
  const connections = await followWithCuts<StreamEvent>({
    url: `${baseUrl}/v1/stream/sessions/${started.session_id}`,
    headers,
    random: seededRandom(7),
    maxBatchesPerConnection: 3,
    onItem: (event) => events.push(event),
    done: () => events.some((event) => event.event_type === EVENT_TYPES.RUN_COMPLETE),
  });

  await client.waitIdle(started.session_id);
  expect(connections).toBeGreaterThan(1);
  expect(events[0].event_type).toBe(EVENT_TYPES.RUN_START);
  expect(events.at(-1)?.event_type).toBe(EVENT_TYPES.RUN_COMPLETE);
  expect(events.map((event) => event.id)).toEqual(events.map((_, index) => index + 1));
  expect(events.every((event) => event.run_id === started.run_id)).toBe(true);
  // The same events, once each and in order, as the session's own replay gives them.
  const replay = await fetch(`${baseUrl}/v1/stream/sessions/${started.session_id}?offset=-1`, { headers });
  expect(replay.status).toBe(200);
  expect(await replay.json()).toEqual(events);
}, 120_000);
