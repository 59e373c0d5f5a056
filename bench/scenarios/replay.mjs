/**
 * Replay: a reader resuming from id 0 of a 10,000-event session log, against the pipe limit
 * (the same frames from a Worker route, no Durable Object, no storage) and the naive design
 * (one storage read and one write per event). The first replay of a log builds its pages in SQLite;
 * whole pages are then kept in the session object's memory (src/session/frame-cache.ts), as the
 * pipe keeps its encoded pages: the untimed warm-up is that first replay, reported on its own row.
 */
import { startSynthetic, waitIdle } from "../lib/api.mjs";
import { readSse } from "../lib/sse-reader.mjs";
import { median } from "../lib/stats.mjs";

/** Events in the replayed log. */
export const REPLAY_EVENTS = 10_000;

async function loggedSession(server) {
  const started = await startSynthetic(server.url, { events: REPLAY_EVENTS, burst: REPLAY_EVENTS });
  await waitIdle(server.url, started.session_id);
  return started;
}

/** One timed replay: wall ms, bytes, and whether every id arrived. */
async function timedRead(url, expect) {
  const r = await readSse(url, { expect });
  if (!r.complete) throw new Error(`replay of ${url} incomplete: ${JSON.stringify({ ...r, latencies: undefined })}`);
  return { ms: r.endedAt - r.startedAt, bytes: r.bytes, events: r.events };
}

export async function run({ real, naive, trials, log }) {
  const ours = await loggedSession(real);
  const theirs = await loggedSession(naive);
  // Another log of the same size, read once untimed, so that the first replay of `ours` below
  // finds the runtime's code warm and only its pages not yet built.
  const other = await loggedSession(real);
  await timedRead(`${real.url}/sessions/${other.session_id}/events`, other.expect);
  const urls = {
    ours: [`${real.url}/sessions/${ours.session_id}/events`, ours.expect],
    naive: [`${naive.url}/sessions/${theirs.session_id}/events`, theirs.expect],
    pipe: [`${real.url}/_bench/pipe?events=${REPLAY_EVENTS}`, { first: 1, last: REPLAY_EVENTS }],
  };
  const samples = { ours: [], naive: [], pipe: [] };
  // One warm-up each (ours: the log's first replay, its pages built by SQLite), then the designs
  // interleaved so they see the same machine load.
  const first = {};
  for (const [name, [url, expect]] of Object.entries(urls)) first[name] = (await timedRead(url, expect)).ms;
  for (let i = 0; i < trials; i++) {
    for (const [name, [url, expect]] of Object.entries(urls)) samples[name].push(await timedRead(url, expect));
  }
  const ms = (name) => median(samples[name].map((s) => s.ms));
  const result = { ours: ms("ours"), pipe: ms("pipe"), naive: ms("naive") };
  log(
    `replay: ours ${result.ours.toFixed(1)} ms, pipe ${result.pipe.toFixed(1)} ms, naive ${result.naive.toFixed(1)} ms`,
  );
  const rate = (v) => (REPLAY_EVENTS / v) * 1000;
  return {
    raw: { ...samples, first },
    bytes: { ours: samples.ours[0].bytes, pipe: samples.pipe[0].bytes, naive: samples.naive[0].bytes },
    rows: [
      {
        scenario: "1 replay 10k",
        metric: "wall time",
        unit: "ms",
        ...result,
        target: "<=1.5x pipe, <100 ms",
        pass: result.ours <= 1.5 * result.pipe && result.ours < 100,
      },
      {
        scenario: "1 replay 10k",
        metric: "first replay of the log, no kept pages",
        unit: "ms",
        ours: first.ours,
        pipe: result.pipe,
        naive: first.naive,
      },
      {
        scenario: "1 replay 10k",
        metric: "rate",
        unit: "events/s",
        better: "higher",
        ours: rate(result.ours),
        pipe: rate(result.pipe),
        naive: rate(result.naive),
      },
    ],
  };
}
