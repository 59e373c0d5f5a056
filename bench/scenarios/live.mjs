/**
 * Live throughput: one session appending as fast as it can (one event per event-loop turn) to
 * one reader, end to end; and the latency write coalescing adds, at a paced 1,000 events/s.
 */
import { eventsUrl, startSynthetic } from "../lib/api.mjs";
import { readSse } from "../lib/sse-reader.mjs";
import { median, percentile } from "../lib/stats.mjs";

/** Events in one throughput run; the naive design gets fewer (its rate is ~100x lower here). */
export const LIVE_EVENTS = { ours: 50_000, naive: 2_000, pipe: 50_000 };
/** The paced latency run: events and rate. */
export const PACED = { events: 2_000, rate: 1_000 };

async function sessionRun(server, spec, options = {}) {
  const started = await startSynthetic(server.url, { wait_for_readers: 1, ...spec });
  const r = await readSse(eventsUrl(server.url, started), { expect: started.expect, ...options });
  if (!r.complete) throw new Error(`live reader incomplete on ${server.url}: ${r.error ?? "ids"}`);
  return r;
}

/** Events a second from the first synthetic event's append to the last one's receipt. */
const rateOf = (r, events) => (events / (r.endedAt - r.firstChunkStamp)) * 1000;

export async function run({ real, naive, trials, log }) {
  const samples = { ours: [], naive: [], pipe: [] };
  for (let i = 0; i < trials; i++) {
    samples.ours.push(rateOf(await sessionRun(real, { events: LIVE_EVENTS.ours }), LIVE_EVENTS.ours));
    samples.naive.push(rateOf(await sessionRun(naive, { events: LIVE_EVENTS.naive }), LIVE_EVENTS.naive));
    const p = await readSse(`${real.url}/_bench/pipe?events=${LIVE_EVENTS.pipe}`, {
      expect: { first: 1, last: LIVE_EVENTS.pipe },
    });
    if (!p.complete) throw new Error("pipe reader incomplete");
    samples.pipe.push((LIVE_EVENTS.pipe / (p.endedAt - p.startedAt)) * 1000);
  }
  const rates = { ours: median(samples.ours), pipe: median(samples.pipe), naive: median(samples.naive) };
  log(`live: ours ${rates.ours.toFixed(0)}/s, pipe ${rates.pipe.toFixed(0)}/s, naive ${rates.naive.toFixed(0)}/s`);

  const paced = { events: PACED.events, rate: PACED.rate };
  const lat = {
    ours: (await sessionRun(real, paced, { latency: true })).latencies,
    naive: (await sessionRun(naive, paced, { latency: true })).latencies,
    pipe: (
      await readSse(`${real.url}/_bench/pipe?events=${PACED.events}&rate=${PACED.rate}`, {
        latency: true,
        expect: { first: 1, last: PACED.events },
      })
    ).latencies,
  };
  const p = (q) => ({ ours: percentile(lat.ours, q), pipe: percentile(lat.pipe, q), naive: percentile(lat.naive, q) });
  const p50 = p(50);
  const added = p50.ours - p50.naive;
  log(`live paced ${PACED.rate}/s: p50 ours ${p50.ours.toFixed(2)} ms, naive ${p50.naive.toFixed(2)} ms`);
  return {
    raw: { rates: samples, latencies: { p50, p99: p(99) } },
    rows: [
      {
        scenario: "2 live 1 reader",
        metric: "throughput",
        unit: "events/s",
        better: "higher",
        ...rates,
        target: ">=50,000/s",
        pass: rates.ours >= 50_000,
      },
      {
        scenario: "2 live 1 reader",
        metric: `p50 latency @${PACED.rate}/s`,
        unit: "ms",
        ...p50,
        target: "coalescing adds <=10 ms",
        pass: added <= 10,
        note: `write coalescing adds ${added.toFixed(2)} ms at p50 (ours - naive)`,
      },
      { scenario: "2 live 1 reader", metric: `p99 latency @${PACED.rate}/s`, unit: "ms", ...p(99) },
    ],
  };
}
