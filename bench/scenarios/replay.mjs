/**
 * Replay: a reader resuming from id 0 of a 10,000-event session log, against the pipe limit
 * (the same frames from a Worker route, no Durable Object, no storage) and the naive design
 * (one storage read and one write per event). Whole replay pages of a finished log are kept in
 * the isolate's memory (src/session/frame-cache.ts), as the pipe keeps its encoded pages, so a
 * replay is reported three ways: warm with pages kept (the timed rows), warm with nothing kept
 * (an instance with REPLAY_KEPT_BYTES=0, every replay built by SQLite), and the log's first
 * replay (pages not yet built). Each timed read also records its instance's workerd CPU time.
 */
import { startSynthetic, waitIdle } from "../lib/api.mjs";
import { readSse } from "../lib/sse-reader.mjs";
import { median } from "../lib/stats.mjs";
import { threadCpuMs } from "../lib/thread-cpu.mjs";

/** Events in the replayed log. */
export const REPLAY_EVENTS = 10_000;
/** The warm-uncached instance: the real design with no replay pages kept. */
export const UNCACHED_VARS = { REPLAY_KEPT_BYTES: "0" };

async function loggedSession(server) {
  const started = await startSynthetic(server.url, { events: REPLAY_EVENTS, burst: REPLAY_EVENTS });
  await waitIdle(server.url, started.session_id);
  return started;
}

/** One timed replay: wall ms, the instance's workerd CPU ms, bytes; throws unless every id arrived. */
async function timedRead({ server, url, expect }) {
  const cpuBefore = await threadCpuMs(server.pids);
  const r = await readSse(url, { expect });
  const cpu = (await threadCpuMs(server.pids)) - cpuBefore;
  if (!r.complete) throw new Error(`replay of ${url} incomplete: ${JSON.stringify({ ...r, latencies: undefined })}`);
  return { ms: r.endedAt - r.startedAt, cpu, bytes: r.bytes, events: r.events };
}

const replayOf = (server, started) => ({
  server,
  url: `${server.url}/sessions/${started.session_id}/events`,
  expect: started.expect,
});

export async function run({ real, naive, start, trials, log }) {
  const uncachedServer = await start("real", UNCACHED_VARS);
  try {
    return await measure({ real, naive, uncachedServer, trials, log });
  } finally {
    await uncachedServer.stop();
  }
}

async function measure({ real, naive, uncachedServer, trials, log }) {
  const designs = {
    ours: replayOf(real, await loggedSession(real)),
    uncached: replayOf(uncachedServer, await loggedSession(uncachedServer)),
    naive: replayOf(naive, await loggedSession(naive)),
    pipe: {
      server: real,
      url: `${real.url}/_bench/pipe?events=${REPLAY_EVENTS}`,
      expect: { first: 1, last: REPLAY_EVENTS },
    },
  };
  // Another log of the same size, read once untimed on each instance of ours, so that the first
  // replays below find the runtime's code warm and only their pages not yet built.
  for (const server of [real, uncachedServer]) await timedRead(replayOf(server, await loggedSession(server)));
  // One warm-up each (ours: the log's first replay, its pages built by SQLite), then the designs
  // interleaved so they see the same machine load.
  const first = {};
  for (const [name, design] of Object.entries(designs)) first[name] = await timedRead(design);
  const samples = { ours: [], uncached: [], naive: [], pipe: [] };
  for (let i = 0; i < trials; i++) {
    for (const [name, design] of Object.entries(designs)) samples[name].push(await timedRead(design));
  }
  const ms = (name) => median(samples[name].map((s) => s.ms));
  const cpu = (name) => median(samples[name].map((s) => s.cpu));
  const wall = { ours: ms("ours"), pipe: ms("pipe"), naive: ms("naive") };
  const uncached = ms("uncached");
  log(
    `replay: ours ${wall.ours.toFixed(1)} ms (nothing kept ${uncached.toFixed(1)}, first ${first.ours.ms.toFixed(1)}), pipe ${wall.pipe.toFixed(1)} ms, naive ${wall.naive.toFixed(1)} ms`,
  );
  const rate = (v) => (REPLAY_EVENTS / v) * 1000;
  const row = (metric, fields) => ({ scenario: "1 replay 10k", metric, unit: "ms", ...fields });
  return {
    raw: { ...samples, first },
    bytes: { ours: samples.ours[0].bytes, pipe: samples.pipe[0].bytes, naive: samples.naive[0].bytes },
    rows: [
      row("wall time, warm, pages kept", {
        ...wall,
        target: "<=1.5x pipe, <100 ms",
        pass: wall.ours <= 1.5 * wall.pipe && wall.ours < 100,
      }),
      row("wall time, warm, nothing kept (REPLAY_KEPT_BYTES=0)", {
        ours: uncached,
        pipe: wall.pipe,
        naive: wall.naive,
      }),
      row("first replay of the log, no kept pages", { ours: first.ours.ms, pipe: wall.pipe, naive: first.naive.ms }),
      row("workerd CPU per replay, warm, pages kept", { ours: cpu("ours"), pipe: cpu("pipe"), naive: cpu("naive") }),
      row("workerd CPU per replay, warm, nothing kept", {
        ours: cpu("uncached"),
        pipe: cpu("pipe"),
        naive: cpu("naive"),
      }),
      row("workerd CPU, first replay of the log", { ours: first.ours.cpu, pipe: cpu("pipe"), naive: first.naive.cpu }),
      {
        scenario: "1 replay 10k",
        metric: "rate, warm, pages kept",
        unit: "events/s",
        better: "higher",
        ours: rate(wall.ours),
        pipe: rate(wall.pipe),
        naive: rate(wall.naive),
      },
    ],
  };
}
