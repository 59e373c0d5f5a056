/**
 * Time to first event: from sending `POST /novachat` (demo model at zero delay) to receiving
 * the first SSE event, for a new session (a new Durable Object and database) and for a second
 * run in an existing one. The pipe baseline is the first event of a one-event pipe stream.
 */
import { waitIdle } from "../lib/api.mjs";
import { readSse } from "../lib/sse-reader.mjs";
import { median } from "../lib/stats.mjs";

const MESSAGE = "A launch post for a solar-powered backpack";

/**
 * Ms to the first event; the run it started is cancelled and awaited so trials do not overlap.
 * Returns the session id too, for a second run in it.
 */
async function firstEvent(server, path, body) {
  const r = await readSse(`${server.url}${path}`, { method: body ? "POST" : "GET", body, maxEvents: 1 });
  if (r.events !== 1) throw new Error(`no first event from ${path}: ${r.status} ${r.error ?? ""}`);
  const sessionId = r.headers?.["x-session-id"];
  if (sessionId) {
    await fetch(`${server.url}/sessions/${sessionId}/cancel`, { method: "POST" }).then((res) => res.arrayBuffer());
    await waitIdle(server.url, sessionId);
  }
  return { ms: r.firstEventAt - r.startedAt, sessionId };
}

/** A new session, then a second run in it: both times. */
async function bothRuns(server) {
  const fresh = await firstEvent(server, "/novachat", { message: MESSAGE });
  const again = await firstEvent(server, "/novachat", { message: MESSAGE, session_id: fresh.sessionId });
  return { fresh: fresh.ms, existing: again.ms };
}

export async function run({ real, naive, trials, log }) {
  const samples = { ours: [], naive: [], pipe: [] };
  const count = trials * 2;
  // One untimed warm-up each: the first request compiles routes and opens storage.
  await bothRuns(real);
  await bothRuns(naive);
  await firstEvent(real, "/_bench/pipe?events=1");
  for (let i = 0; i < count; i++) {
    samples.ours.push(await bothRuns(real));
    samples.naive.push(await bothRuns(naive));
    samples.pipe.push((await firstEvent(real, "/_bench/pipe?events=1")).ms);
  }
  const of = (kind) => ({
    ours: median(samples.ours.map((s) => s[kind])),
    pipe: median(samples.pipe),
    naive: median(samples.naive.map((s) => s[kind])),
  });
  const fresh = of("fresh");
  log(`ttfe: median ours ${fresh.ours.toFixed(1)} ms (new session), pipe ${fresh.pipe.toFixed(1)} ms`);
  return {
    raw: samples,
    rows: [
      { scenario: "4 first event", metric: `new session, median of ${count}`, unit: "ms", ...fresh },
      { scenario: "4 first event", metric: `existing session, median of ${count}`, unit: "ms", ...of("existing") },
    ],
  };
}
