/** A well-behaved client for fault scenarios: one Nova3 run read to its end, timed and checked. */
import type { StreamEvent } from "../../src/protocol/events";
import { readSse } from "./sse";

export interface TimedRun {
  sessionId: string;
  events: StreamEvent[];
  status: string;
  firstEventMs: number;
  totalMs: number;
}

/** Longest a single well-behaved run may take before the scenario fails instead of hanging. */
const RUN_TIMEOUT_MS = 60_000;

export async function timedRun(
  baseUrl: string,
  message: string,
  headers: Record<string, string> = {},
): Promise<TimedRun> {
  const started = performance.now();
  const res = await fetch(`${baseUrl}/novachat`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify({ message }),
    signal: AbortSignal.timeout(RUN_TIMEOUT_MS),
  });
  if (res.status !== 200) throw new Error(`POST /novachat answered ${res.status}: ${await res.text()}`);
  let firstEventMs = -1;
  const body = res.body;
  const timed = new Response(
    body?.pipeThrough(
      new TransformStream({
        transform(chunk, controller) {
          if (firstEventMs < 0) firstEventMs = Math.round(performance.now() - started);
          controller.enqueue(chunk);
        },
      }),
    ),
  );
  const { events } = await readSse(timed);
  const last = events[events.length - 1];
  return {
    sessionId: res.headers.get("X-Session-Id") ?? "",
    events,
    status: last?.event_type === "run_complete" ? last.payload.status : "unfinished",
    firstEventMs,
    totalMs: Math.round(performance.now() - started),
  };
}
