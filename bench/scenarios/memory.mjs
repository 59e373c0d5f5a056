/**
 * Memory: resident memory (VmRSS) of the workerd process, each figure on a fresh instance (a
 * process keeps memory it freed, so a second measurement on one instance reads low): (a) with
 * 500 idle readers on one session, (b) during a 100,000-event run read by one deliberately
 * slow reader (~1 KB/s), with a fast reader as the control, and (c) during the same run followed
 * by a WebSocket that reads nothing at all. The slow reader and the socket must then still get
 * every event, from storage.
 */
import { eventsUrl, snapshot, startSynthetic } from "../lib/api.mjs";
import { fileBackedMB, fresh, freshWithHeap, heapNote, sampleWhile } from "../lib/memory-sampling.mjs";
import { slowReader } from "../lib/slow-reader.mjs";
import { slowSocket } from "../lib/slow-socket.mjs";
import { readSse } from "../lib/sse-reader.mjs";

export const IDLE_READERS = 500;
/** How long the idle readers stay connected with nothing to read, ms. */
const IDLE_HOLD_MS = 4_000;
export const SLOW_RUN_EVENTS = 100_000;
const SLOW_BYTES_PER_SECOND = 1024;
const MB = 2 ** 20;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Growth (MB) of RSS with `readers` idle readers on `url`s opened by `open()`. */
async function idleGrowth(server, open) {
  await sleep(1_000);
  const before = await server.rss();
  const { readers, connected } = await open();
  await connected;
  await sleep(IDLE_HOLD_MS / 2);
  const during = await server.rss();
  const results = await readers;
  return {
    growthMB: (during - before) / MB,
    beforeMB: before / MB,
    complete: results.filter((r) => r.complete).length,
  };
}

/**
 * The session's snapshot, or undefined when the request failed: on a loaded machine loopback
 * resets the odd connection while 500 readers connect, and a wait should not fail the scenario.
 */
async function trySnapshot(server, sessionId) {
  try {
    return await snapshot(server.url, sessionId);
  } catch {
    return undefined;
  }
}

function sessionIdle(server) {
  return idleGrowth(server, async () => {
    const started = await startSynthetic(server.url, {
      events: 10,
      wait_for_readers: IDLE_READERS,
      hold_ms: IDLE_HOLD_MS,
    });
    const url = eventsUrl(server.url, started);
    const readers = Promise.all(Array.from({ length: IDLE_READERS }, () => readSse(url, { expect: started.expect })));
    const connected = (async () => {
      const deadline = Date.now() + 60_000;
      while (((await trySnapshot(server, started.session_id))?.readers ?? 0) < IDLE_READERS && Date.now() < deadline) {
        await sleep(100);
      }
    })();
    return { readers, connected };
  });
}

function pipeIdle(server) {
  return idleGrowth(server, async () => {
    const url = `${server.url}/_bench/pipe?events=4&rate=1`;
    const readers = Promise.all(
      Array.from({ length: IDLE_READERS }, () => readSse(url, { expect: { first: 1, last: 4 } })),
    );
    return { readers, connected: sleep(1_000) };
  });
}

/** A 100,000-event run at full speed read by one reader, slow or fast: RSS growth and the check. */
async function runWithReader(server, slow) {
  await sleep(1_000);
  const before = await server.rss();
  const fileBefore = await fileBackedMB(server);
  const started = await startSynthetic(server.url, { events: SLOW_RUN_EVENTS, wait_for_readers: 1 });
  const url = eventsUrl(server.url, started);
  let reader;
  let fast;
  if (slow) {
    reader = slowReader(url, SLOW_BYTES_PER_SECOND);
    await reader.opened;
  } else {
    fast = readSse(url, { expect: started.expect, timeoutMs: 300_000 });
  }
  const t0 = Date.now();
  const { peak, heap } = await sampleWhile(server, async () => {
    while ((await snapshot(server.url, started.session_id)).status !== "idle") await sleep(250);
  });
  const runSeconds = (Date.now() - t0) / 1000;
  const bytesDuringRun = reader?.state.bytes;
  const final = slow ? await reader.drain(300_000) : await fast;
  const complete = slow
    ? !final.error && final.inOrder && final.firstId === started.expect.first && final.lastId === started.expect.last
    : final.complete;
  const fileMB = (await fileBackedMB(server)) - fileBefore;
  return { growthMB: (peak - before) / MB, beforeMB: before / MB, fileMB, runSeconds, bytesDuringRun, complete, heap };
}

/**
 * The same run followed by a WebSocket that stops reading once upgraded: RSS growth during the
 * run, then the socket drains (acknowledging, resuming after a 4008) and must have every event.
 */
async function runWithSlowSocket(server) {
  await sleep(1_000);
  const before = await server.rss();
  const started = await startSynthetic(server.url, { events: SLOW_RUN_EVENTS, wait_for_readers: 1 });
  const socket = slowSocket(server.url, started.session_id, started.expect.first - 1);
  await socket.opened;
  const t0 = Date.now();
  const { peak, heap } = await sampleWhile(server, async () => {
    while ((await snapshot(server.url, started.session_id)).status !== "idle") await sleep(250);
  });
  const runSeconds = (Date.now() - t0) / 1000;
  const final = await socket.drain(started.expect.last, 300_000);
  const complete =
    !final.error && final.inOrder && final.firstId === started.expect.first && final.lastId === started.expect.last;
  return { growthMB: (peak - before) / MB, beforeMB: before / MB, runSeconds, complete, resumes: final.resumes, heap };
}

export async function run({ start, log }) {
  const result = {
    real: { idle: await fresh(start, "real", sessionIdle) },
    pipe: { idle: await fresh(start, "real", pipeIdle) },
    naive: { idle: await fresh(start, "naive", sessionIdle) },
  };
  // The first 100k run in a process also pays one-off costs (code pages of the runtime touched
  // for the first time, the JS heap growing to its working size), so each process gets one
  // warm-up run (fast reader, reported as "cold"); then the slow reader, and in another process
  // the fast control, are measured the same way: the second run of a fresh process.
  result.real.slow = await freshWithHeap(start, "real", async (server) => {
    result.real.cold = await runWithReader(server, false);
    return runWithReader(server, true);
  });
  result.real.fast = await freshWithHeap(start, "real", async (server) => {
    await runWithReader(server, false);
    return runWithReader(server, false);
  });
  result.real.socket = await freshWithHeap(start, "real", async (server) => {
    await runWithReader(server, false);
    return runWithSlowSocket(server);
  });
  const { real, naive, pipe } = result;
  log(
    `memory: idle ${real.idle.growthMB.toFixed(1)} MB, slow reader ${real.slow.growthMB.toFixed(1)} MB, slow socket ${real.socket.growthMB.toFixed(1)} MB`,
  );
  const allIdle = real.idle.complete === IDLE_READERS;
  return {
    raw: result,
    rows: [
      {
        scenario: "6 memory",
        metric: `RSS growth, ${IDLE_READERS} idle readers`,
        unit: "MB",
        ours: real.idle.growthMB,
        pipe: pipe.idle.growthMB,
        naive: naive.idle.growthMB,
        note: `${((real.idle.growthMB * 1024) / IDLE_READERS).toFixed(0)} KB a reader; readers with every event: ours ${real.idle.complete}, pipe ${pipe.idle.complete}, naive ${naive.idle.complete} of ${IDLE_READERS}`,
        pass: allIdle ? undefined : false,
      },
      {
        scenario: "6 memory",
        metric: `RSS growth, ${SLOW_RUN_EVENTS / 1000}k-event run, slow reader`,
        unit: "MB",
        ours: real.slow.growthMB,
        target: "<20 MB, then every event",
        pass: real.slow.growthMB < 20 && real.slow.complete,
        note: `run took ${real.slow.runSeconds.toFixed(1)} s; the slow reader took ${real.slow.bytesDuringRun} bytes during it, then drained all ${SLOW_RUN_EVENTS + 2} events in order: ${real.slow.complete}${heapNote(real.slow.heap)}`,
      },
      {
        scenario: "6 memory",
        metric: `RSS growth, ${SLOW_RUN_EVENTS / 1000}k-event run, WebSocket reading nothing`,
        unit: "MB",
        ours: real.socket.growthMB,
        target: "<20 MB, then every event",
        pass: real.socket.growthMB < 20 && real.socket.complete,
        note: `run took ${real.socket.runSeconds.toFixed(1)} s; the socket read nothing during it, then drained all ${SLOW_RUN_EVENTS + 2} events in order: ${real.socket.complete} (${real.socket.resumes} resume(s) after a 4008 close)${heapNote(real.socket.heap)}`,
      },
      {
        scenario: "6 memory",
        metric: `RSS growth, ${SLOW_RUN_EVENTS / 1000}k-event run, fast reader`,
        unit: "MB",
        ours: real.fast.growthMB,
        note: `control: the same run read at full speed; the first such run in a fresh process (warm-up) grew ${real.cold.growthMB.toFixed(1)} MB (${real.cold.fileMB.toFixed(1)} MB of it runtime code pages mapped in)${heapNote(real.fast.heap)}`,
      },
    ],
  };
}
