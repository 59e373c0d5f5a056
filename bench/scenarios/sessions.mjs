/**
 * Many sessions at once: 200 sessions, each with a run fed by the synthetic source at full speed
 * and one reader, all started together. Every reader must get every event of its session, id by
 * id. Reported: aggregate events/s delivered (all readers' events over the span from the first
 * request to the last receipt) and time to first event (from asking for the run, `POST
 * /_bench/sessions`, to the reader's first event), beside 200 concurrent streams of the pipe
 * route (from the request to the first event).
 */
import { eventsUrl, startSynthetic } from "../lib/api.mjs";
import { readSse, wallNow } from "../lib/sse-reader.mjs";
import { median, percentile } from "../lib/stats.mjs";

/** Sessions running at once (issue 16). */
export const SESSIONS = 200;
/** Events of each session's run: 100,000 deliveries in all. */
export const EVENTS_PER_SESSION = 500;
const READER_TIMEOUT_MS = 180_000;

/** One session: its run is asked for, then its reader opens and reads it to the end. */
async function oneSession(server) {
  const askedAt = wallNow();
  const started = await startSynthetic(server.url, { events: EVENTS_PER_SESSION, rate: 0, wait_for_readers: 1 });
  const r = await readSse(eventsUrl(server.url, started), { expect: started.expect, timeoutMs: READER_TIMEOUT_MS });
  return { ...r, askedAt };
}

/** One pipe stream of the same number of events. */
async function onePipe(server) {
  const url = `${server.url}/_bench/pipe?events=${EVENTS_PER_SESSION}`;
  const r = await readSse(url, { expect: { first: 1, last: EVENTS_PER_SESSION }, timeoutMs: READER_TIMEOUT_MS });
  return { ...r, askedAt: r.startedAt };
}

/** `SESSIONS` of `one` at once: aggregate rate, time to first event, completeness, client CPU. */
async function concurrently(server, one) {
  const cpu = process.cpuUsage();
  const results = await Promise.all(Array.from({ length: SESSIONS }, () => one(server)));
  const used = process.cpuUsage(cpu);
  const start = Math.min(...results.map((r) => r.askedAt));
  const end = Math.max(...results.map((r) => r.endedAt));
  const firsts = results.filter((r) => r.firstEventAt !== undefined).map((r) => r.firstEventAt - r.askedAt);
  return {
    complete: results.filter((r) => r.complete).length,
    errors: [...new Set(results.filter((r) => !r.complete).map((r) => r.error ?? "ids"))].slice(0, 3),
    perSecond: (results.reduce((sum, r) => sum + r.events, 0) / (end - start)) * 1000,
    firstP50: median(firsts),
    firstP99: percentile(firsts, 99),
    clientCores: Math.round(((used.user + used.system) / 1000 / (end - start)) * 100) / 100,
  };
}

export async function run({ real, trials, log }) {
  const count = Math.min(trials, 3);
  const samples = { ours: [], pipe: [] };
  // One untimed warm-up of each: the first requests compile routes and open storage.
  await concurrently(real, oneSession);
  await concurrently(real, onePipe);
  for (let i = 0; i < count; i++) {
    samples.ours.push(await concurrently(real, oneSession));
    samples.pipe.push(await concurrently(real, onePipe));
  }
  const of = (key) => ({
    ours: median(samples.ours.map((s) => s[key])),
    pipe: median(samples.pipe.map((s) => s[key])),
  });
  const allComplete = samples.ours.every((s) => s.complete === SESSIONS);
  const last = samples.ours.at(-1);
  log(
    `sessions: ${of("perSecond").ours.toFixed(0)} events/s, complete ${samples.ours.map((s) => s.complete).join(",")}/${SESSIONS}, errors ${last.errors.join("; ")}`,
  );
  const scenario = `8 sessions ${SESSIONS}`;
  const note = `median of ${count}; readers with every event: ${samples.ours.map((s) => s.complete).join(", ")} of ${SESSIONS}; bench client CPU ours ${median(samples.ours.map((s) => s.clientCores))} cores, pipe ${median(samples.pipe.map((s) => s.clientCores))}`;
  return {
    raw: samples,
    rows: [
      {
        scenario,
        metric: "aggregate delivered",
        unit: "events/s",
        better: "higher",
        ...of("perSecond"),
        target: "every reader every event; ratio reported",
        pass: allComplete,
        note,
      },
      { scenario, metric: "time to first event, p50", unit: "ms", ...of("firstP50") },
      {
        scenario,
        metric: "time to first event, p99",
        unit: "ms",
        ...of("firstP99"),
        target: "reported against the pipe",
      },
    ],
  };
}
