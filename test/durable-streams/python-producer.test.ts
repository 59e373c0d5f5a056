/**
 * A producer in another language: examples/durable-streams/producer.py (Python, standard library
 * only) appends a run's events to a stream on the dev server as an idempotent producer and closes
 * it; the stream then holds exactly those events, in order, and says it is closed.
 */
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { expect, inject, it } from "vitest";
import { EVENT_TYPES } from "../../src/protocol/events";
import { userToken } from "../helpers/tokens";

const run = promisify(execFile);
const SCRIPT = resolve(import.meta.dirname, "../../examples/durable-streams/producer.py");
const baseUrl = inject("dsBaseUrl");

it("the Python producer's run is stored once, in order, and closed", async () => {
  const token = await userToken("python-user");
  const name = `python-run-${Date.now()}`;
  const { stdout } = await run("python3", [SCRIPT, "--base-url", baseUrl, "--stream", name, "--chunks", "120"], {
    env: { ...process.env, DS_TOKEN: token },
    timeout: 60_000,
  });
  const summary = JSON.parse(stdout) as { events: number; next_offset: string };
  expect(summary.events).toBe(124);

  const response = await fetch(`${baseUrl}/v1/stream/${name}?offset=-1`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(response.status).toBe(200);
  expect(response.headers.get("Stream-Closed")).toBe("true");
  expect(response.headers.get("Stream-Next-Offset")).toBe(summary.next_offset);
  const events = (await response.json()) as { event_type: string; payload: { index?: number } }[];
  expect(events.map((event) => event.event_type)).toEqual([
    EVENT_TYPES.RUN_START,
    EVENT_TYPES.AGENT_START,
    ...Array(120).fill(EVENT_TYPES.LLM_CHUNK),
    EVENT_TYPES.AGENT_COMPLETE,
    EVENT_TYPES.RUN_COMPLETE,
  ]);
  expect(events.slice(2, 122).map((event) => event.payload.index)).toEqual([...Array(120).keys()]);
});

it("the Python producer is refused without a valid token, and stores nothing", async () => {
  const name = `python-refused-${Date.now()}`;
  await expect(
    run("python3", [SCRIPT, "--base-url", baseUrl, "--stream", name], {
      env: { ...process.env, DS_TOKEN: "not-a-token" },
    }),
  ).rejects.toThrow(/create failed with 401/);
  const token = await userToken("python-user");
  const head = await fetch(`${baseUrl}/v1/stream/${name}`, {
    method: "HEAD",
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(head.status).toBe(404);
});
