/**
 * Fan-out: one session streaming to 1, 10, 100 and 500 concurrent SSE readers on loopback.
 * Paced at 100 events/s: delivery latency p50/p99 (append time to receipt). As fast as it can:
 * events/s delivered in total. Every reader must get every event, checked id by id.
 */
import { eventsUrl, startSynthetic } from "../lib/api.mjs";
import { readSse } from "../lib/sse-reader.mjs";
import { percentile } from "../lib/stats.mjs";

export const READER_COUNTS = [1, 10, 100, 500];
/** The paced run: 300 events at 100 events/s, about 3 s. */
export const PACED = { events: 300, rate: 100 };
/** Events of the run at full speed, by reader count: 20,000 to 200,000 deliveries. */
export const FULL_SPEED_EVENTS = { 1: 20_000, 10: 5_000, 100: 1_000, 500: 400 };
const READER_TIMEOUT_MS = 180_000;

function summarize(results, spanStart) {
  const latencies = results.flatMap((r) => r.latencies ?? []);
  const delivered = results.reduce((sum, r) => sum + r.events, 0);
  const end = Math.max(...results.map((r) => r.endedAt));
  return {
    readers: results.length,
    complete: results.filter((r) => r.complete).length,
    errors: [...new Set(results.filter((r) => !r.complete).map((r) => r.error ?? "ids"))].slice(0, 3),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    delivered,
    perSecond: (delivered / (end - spanStart(results))) * 1000,
  };
}

/** N readers of one synthetic session; the span starts at the first synthetic event's append. */
async function sessionFanOut(server, readers, spec) {
  const started = await startSynthetic(server.url, { ...spec, wait_for_readers: readers });
  const url = eventsUrl(server.url, started);
  const options = { expect: started.expect, latency: spec.rate > 0, timeoutMs: READER_TIMEOUT_MS };
  const results = await Promise.all(Array.from({ length: readers }, () => readSse(url, options)));
  return summarize(results, (rs) => Math.min(...rs.map((r) => r.firstChunkStamp ?? r.startedAt)));
}

/** N readers of the pipe route, each sent the same frames directly by the Worker. */
async function pipeFanOut(server, readers, spec) {
  const url = `${server.url}/_bench/pipe?events=${spec.events}&rate=${spec.rate}`;
  const options = { expect: { first: 1, last: spec.events }, latency: spec.rate > 0, timeoutMs: READER_TIMEOUT_MS };
  const results = await Promise.all(Array.from({ length: readers }, () => readSse(url, options)));
  return summarize(results, (rs) => Math.min(...rs.map((r) => r.startedAt)));
}

export async function run({ real, naive, log }) {
  const rows = [];
  const raw = {};
  for (const n of READER_COUNTS) {
    const full = { events: FULL_SPEED_EVENTS[n], rate: 0 };
    const result = {
      paced: {
        ours: await sessionFanOut(real, n, PACED),
        naive: await sessionFanOut(naive, n, PACED),
        pipe: await pipeFanOut(real, n, PACED),
      },
      full: {
        ours: await sessionFanOut(real, n, full),
        naive: await sessionFanOut(naive, n, full),
        pipe: await pipeFanOut(real, n, full),
      },
    };
    raw[n] = result;
    const { paced } = result;
    const allDelivered = Object.values(result).every((r) => r.ours.complete === n);
    const completeNote = (kind) =>
      ["ours", "pipe", "naive"].map((d) => `${d} ${result[kind][d].complete}/${n}`).join(", ");
    log(
      `fan-out ${n}: p99 ours ${paced.ours.p99?.toFixed(1)} ms; complete ${completeNote("paced")}; full speed ${completeNote("full")}`,
    );
    const scenario = `3 fan-out ${n}`;
    const pick = (kind, key) => ({
      ours: result[kind].ours[key],
      pipe: result[kind].pipe[key],
      naive: result[kind].naive[key],
    });
    rows.push({ scenario, metric: `p50 latency @${PACED.rate}/s`, unit: "ms", ...pick("paced", "p50") });
    rows.push({
      scenario,
      metric: `p99 latency @${PACED.rate}/s`,
      unit: "ms",
      ...pick("paced", "p99"),
      target: n === 500 ? "<250 ms, all delivered" : undefined,
      pass: n === 500 ? paced.ours.p99 < 250 && allDelivered : undefined,
      note: `readers with every event: paced ${completeNote("paced")}; full speed ${completeNote("full")}`,
    });
    rows.push({
      scenario,
      metric: "delivered, full speed",
      unit: "events/s",
      better: "higher",
      ...pick("full", "perSecond"),
      target: "every reader every event",
      pass: allDelivered,
    });
  }
  return { raw, rows };
}
