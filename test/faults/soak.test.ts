/**
 * The soak (docs/reliability.md, scenario 4): 50 users loop runs, readers, cancels and deletes on
 * one dev server for SOAK_SECONDS, through clients that behave like real ones under a stall
 * (test/helpers/soak-client.ts). Checked afterwards: gapless logs, verified texts, no reader or
 * lease left open, and the Worker's JS heap, read at quiet points (the load is drained first),
 * back near where it was after the warm-up. Reported: the workerd processes' descriptor peaks and
 * the runs the watchdog found stalled.
 */
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { findIntegrityMismatches } from "../../src/protocol/reconstruct";
import { startTempDevServer, type TempDevServer } from "../helpers/dev-server";
import { byRun } from "../helpers/event-lists";
import { record } from "../helpers/fault-report";
import { type FdSampler, formatPeaks, sampleFds } from "../helpers/fd-sampler";
import { type HeapInspector, openHeapInspector } from "../helpers/heap-inspector";
import { LoadGate } from "../helpers/load-gate";
import { sleep } from "../helpers/sleep";
import { emptyStats, SoakClient, type SoakClientLimits } from "../helpers/soak-client";
import { type LoopStats, sessionLoop } from "../helpers/soak-loop";
import { emptyRead } from "../helpers/sse";
import { bearer } from "../helpers/tokens";

const SOAK_SECONDS = Number(process.env.SOAK_SECONDS ?? 600);
/** The warm-up before the first heap reading, s: a fifth of the soak, 10 to 60. */
const WARM_UP_SECONDS = Math.max(10, Math.min(60, SOAK_SECONDS / 5));
const SESSIONS = 50;
/**
 * The run watchdog's limit here, ms. Long enough that it only fires on a run that really stopped
 * (a run here lasts well under a second, but a loaded machine can hold one for seconds), short
 * enough that the soak's clients, which give up after CLIENT.giveUpMs without a new event, see
 * the stalled run restarted and finished. `SOAK_RUN_STALL_MS` changes it.
 */
const RUN_STALL_MS = Number(process.env.SOAK_RUN_STALL_MS ?? 60_000);
/** The alarm checks an active run at most this often (KEEPALIVE_MS), so a stall is found by then. */
const STALL_FOUND_WITHIN_MS = RUN_STALL_MS + 30_000;
/** Stream leases here, s: a stream on an object the watchdog restarted stops counting after this. */
const STREAM_LEASE_SECONDS = 20;
const HEARTBEAT_MS = 5000;
/** Requests in flight per session loop: a start, then two readers and a cancel. */
const SLOTS_PER_LOOP = 3;
const CLIENT: SoakClientLimits = {
  requestMs: 30_000,
  idleMs: 3 * HEARTBEAT_MS,
  giveUpMs: STALL_FOUND_WITHIN_MS + 30_000,
  backoffMs: { first: 250, max: 8000 },
};
/** A heap reading is taken at a quiet point at least this often, s (and after the warm-up and at the end). */
const HEAP_EVERY_S = 120;
/** Longest wait for the loops to stop at the gate before a heap reading, ms. */
const DRAIN_TIMEOUT_MS = CLIENT.giveUpMs + 30_000;
/**
 * The Worker's JS heap after a full GC may end at most this much above the reading after the
 * warm-up: the same 50 sessions are alive at both points, so what is left above that is what the
 * traffic leaked (~10 KB a run over a one-minute soak's ~1,000 runs, ~1 KB over ten minutes).
 * workerd's RSS is reported, not judged: it stays near its peak for minutes with nothing leaked.
 */
const HEAP_GROWTH_FACTOR = 1.25;
const HEAP_SLACK_MIB = 8;
/** How often the workerd processes' descriptors are counted, ms. */
const FD_SAMPLE_MS = 3000;
/**
 * Most descriptors either workerd process may hold at once: about ten times a healthy soak's peak
 * (~600, mostly the sessions' SQLite files and the requests in flight), a quarter of the 20,000
 * open-file limit the heap snapshots once ran it into (docs/reliability.md).
 */
const FD_PEAK_BOUND = 5000;

let server: TempDevServer;
/** Runs the watchdog found stalled (audited `run_stalled`), and those lines. */
const stalls: string[] = [];
/** Lines of the server saying it ran out of descriptors. */
let fdExhausted = 0;

beforeAll(async () => {
  // Each loop is its own user, far above the default per-user run rate: limits are not tested here.
  server = await startTempDevServer(
    "faults-soak",
    {
      DEMO_TOKEN_DELAY_MS: "2",
      DEMO_TOKENS: "40",
      RUN_RATE_PER_MINUTE: "6000",
      RUN_BURST: "500",
      RUN_STALL_MS: String(RUN_STALL_MS),
      STREAM_LEASE_SECONDS: String(STREAM_LEASE_SECONDS),
      HEARTBEAT_MS: String(HEARTBEAT_MS),
      // A watchdog above a healthy run's longest silence (src/config/config-schema.ts); the demo
      // model never stalls or fails, so the LLM timeouts only have to allow that.
      LLM_IDLE_TIMEOUT_MS: "2000",
      LLM_RETRY_MAX_MS: "1000",
    },
    (line) => {
      if (line.includes('"event":"run_stalled"')) stalls.push(line.trim());
      if (line.includes("Too many open files")) fdExhausted++;
    },
  );
});

afterAll(async () => {
  await server?.stop();
});

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

/** The Worker's heap, read with the load drained; a reading that cannot be taken says why. */
async function quietHeapReading(label: string, inspector: HeapInspector, gate: LoadGate, fds: FdSampler) {
  const state = () =>
    `workerd descriptors now: ${fds.now()}; "Too many open files" in the server's log: ${fdExhausted}; ` +
    `server output ends: ${server.output().slice(-1500)}`;
  try {
    await gate.drain(() => clientStats.inFlight === 0, DRAIN_TIMEOUT_MS);
    fds.mark(`heap-${label}`);
    return await inspector.heapUsedAfterGc();
  } catch (error) {
    throw new Error(`heap reading "${label}" could not be taken: ${(error as Error).message}; ${state()}`);
  } finally {
    gate.open();
  }
}

const clientStats = emptyStats();

it(`keeps every log gapless and every text intact through a ${SOAK_SECONDS} s soak`, {
  timeout: (WARM_UP_SECONDS + SOAK_SECONDS + 900) * 1000,
}, async () => {
  const stats: LoopStats = { runs: 0, cancels: 0, deletes: 0, sessionsFull: 0 };
  const clients = await Promise.all(
    Array.from(
      { length: SESSIONS },
      async (_, i) => new SoakClient(server.url, await bearer(`soak-${i}`), CLIENT, clientStats, SLOTS_PER_LOOP),
    ),
  );
  const fds = sampleFds(server, FD_SAMPLE_MS);
  let rssPeak = server.rssKb();
  const rss = setInterval(() => {
    rssPeak = Math.max(rssPeak, server.rssKb());
  }, 1000);
  const gate = new LoadGate();
  const loop = (endsAt: number) =>
    Promise.all(clients.map((client) => sessionLoop(client, gate, endsAt, stats, STALL_FOUND_WITHIN_MS + 30_000)));

  // A warm-up first, so the first heap reading has the sessions alive and the runtime's one-off
  // allocations (compiled code, caches) made.
  await loop(Date.now() + WARM_UP_SECONDS * 1000);
  const inspector = await openHeapInspector(server);
  const heap = [{ at: "warm-up", bytes: await quietHeapReading("warm-up", inspector, gate, fds) }];
  const soakStart = Date.now();
  let done = false;
  const soak = loop(soakStart + SOAK_SECONDS * 1000).finally(() => {
    done = true;
  });
  // Readings during the soak, each at a quiet point (the loops wait at the gate meanwhile).
  const soakedMs = () => Date.now() - soakStart - gate.pausedMs;
  for (let at = HEAP_EVERY_S; at <= SOAK_SECONDS - HEAP_EVERY_S / 2; at += HEAP_EVERY_S) {
    while (!done && soakedMs() < at * 1000) await sleep(1000);
    if (done) break;
    heap.push({ at: `${at} s`, bytes: await quietHeapReading(`${at}s`, inspector, gate, fds) });
  }
  const loops = await soak;
  const sessions = loops.flatMap((live, i) => [...live].map((id) => ({ id, client: clients[i] })));

  let eventsChecked = 0;
  let gaps = 0;
  let duplicates = 0;
  for (const { id, client } of sessions) {
    const { events } = await client.readEvents(`/sessions/${id}/events`, emptyRead());
    eventsChecked += events.length;
    events.forEach((e, i) => {
      if (e.id < i + 1) duplicates++;
      else if (e.id > i + 1) gaps++;
    });
    for (const run of byRun(events).values()) expect(findIntegrityMismatches(run)).toEqual([]);
    expect(await client.json(`/sessions/${id}`, 200)).toMatchObject({ readers: 0, status: "idle" });
  }
  // No stream or run lease is left counted once the traffic is over. Leases are released when
  // their stream or run ends; only a stream on an object the watchdog restarted (nothing is left
  // to release it) may count until its lease expires.
  const leaseWaitMs = stalls.length > 0 ? (STREAM_LEASE_SECONDS + 5) * 1000 : 10_000;
  for (const client of clients) {
    let usage = { streams: { open: -1 }, runs: { active: -1 } };
    const released = async () => {
      usage = await client.json<typeof usage>("/usage", 200);
      return usage.streams.open === 0 && usage.runs.active === 0;
    };
    // Past the wait, the check below says what is still counted.
    await vi.waitUntil(released, { timeout: leaseWaitMs, interval: 200 }).catch(() => {});
    expect(usage).toMatchObject({ streams: { open: 0 }, runs: { active: 0 } });
  }
  clearInterval(rss);
  heap.push({ at: "end", bytes: await quietHeapReading("end", inspector, gate, fds) });
  inspector.close();
  const peaks = fds.stop("soak-fds");
  const heapStart = heap[0].bytes;
  const heapEnd = heap[heap.length - 1].bytes;
  const heapBound = heapStart * HEAP_GROWTH_FACTOR + HEAP_SLACK_MIB * 1024 * 1024;
  const c = clientStats;
  record({
    scenario: "4 soak",
    runs: stats.runs,
    eventsChecked,
    lost: gaps,
    duplicated: duplicates,
    maxRecoveryMs: 0,
    notes:
      `${SOAK_SECONDS} s (+${WARM_UP_SECONDS} s warm-up), ${SESSIONS} sessions, ${stats.cancels} cancels, ${stats.deletes} deletes; ` +
      `watchdog at ${RUN_STALL_MS} ms restarted ${stalls.length} stalled runs; ` +
      `clients: at most ${c.maxInFlightPerLoop} requests in flight per loop, ${c.timeouts} timeouts, ${c.networkErrors} network errors, ` +
      `${c.runtimeRestarts} runtime restarts, ${c.busy} 429s, ${c.resumes} streams resumed; ` +
      `JS heap after GC (MiB) ${heap.map((h) => `${h.at} ${mib(h.bytes)}`).join(", ")} (bound ${mib(heapBound)}); ` +
      `peak descriptors ${formatPeaks(peaks)}; workerd RSS peak ${Math.round(rssPeak / 1024)} MiB`,
  });
  if (stalls.length > 0) console.log(`runs the watchdog restarted:\n${stalls.join("\n")}`);
  expect(gaps).toBe(0);
  expect(duplicates).toBe(0);
  expect(stats.runs).toBeGreaterThan(SESSIONS);
  expect(fdExhausted).toBe(0);
  for (const p of peaks) expect(p.peak, `${p.role} workerd ${p.pid} descriptors`).toBeLessThan(FD_PEAK_BOUND);
  expect(heapEnd).toBeLessThan(heapBound);
});
