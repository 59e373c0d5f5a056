import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { findIntegrityMismatches } from "../../src/protocol/reconstruct";
import { startTempDevServer, type TempDevServer } from "../helpers/dev-server";
import { byRun } from "../helpers/event-lists";
import { record } from "../helpers/fault-report";
import { openHeapInspector } from "../helpers/heap-inspector";
import { sleep } from "../helpers/sleep";
import { type ReadSse, readSseInto } from "../helpers/sse";
import { bearer } from "../helpers/tokens";

const SOAK_SECONDS = Number(process.env.SOAK_SECONDS ?? 600);
const SESSIONS = 50;
/** Longest any one request (including reading its whole body) may take before the soak fails. */
const CALL_TIMEOUT_MS = 30_000;
/**
 * The Worker's JS heap after a full GC (test/helpers/heap-inspector.ts) may end at most this much above
 * where it was after the warm-up: the same 50 sessions are alive at both points, so what is
 * left above that is what the traffic leaked. About 1,000 runs pass in a 60 s soak, so this
 * catches a leak of ~10 KB a run. (workerd's RSS is reported, not judged: V8 and the allocator
 * keep freed pages, so it stays near its peak for minutes with nothing leaked.)
 */
const HEAP_GROWTH_FACTOR = 1.25;
const HEAP_SLACK_MIB = 8;

let server: TempDevServer;

/**
 * The run watchdog's limit here, ms. A soak run lasts well under a second and is never silent for
 * long, so a short limit finds a stalled run (see src/session/run-watchdog.ts) well within the
 * readers' CALL_TIMEOUT_MS, and the run resumes instead of failing the soak by hanging.
 */
const RUN_STALL_MS = 5000;
/** Stream leases here, s: a stream on an object the watchdog restarted stops counting after this. */
const STREAM_LEASE_SECONDS = 20;

/** Runs the watchdog found stalled (audited `run_stalled`; each restarted its session object). */
let stalledRuns = 0;

beforeAll(async () => {
  // Each session loop is its own user; the run rate of a loop is far above what the default
  // per-user rate allows, and limits are not what this scenario is about.
  server = await startTempDevServer(
    "faults-soak",
    {
      DEMO_TOKEN_DELAY_MS: "2",
      DEMO_TOKENS: "40",
      RUN_RATE_PER_MINUTE: "6000",
      RUN_BURST: "500",
      RUN_STALL_MS: String(RUN_STALL_MS),
      STREAM_LEASE_SECONDS: String(STREAM_LEASE_SECONDS),
      // What the configuration requires of these limits (src/config/config-schema.ts): a lease
      // above two heartbeats, and a watchdog above a healthy run's longest silence. The demo model
      // never stalls or fails, so the LLM timeouts only have to be short enough to allow that.
      HEARTBEAT_MS: "5000",
      LLM_IDLE_TIMEOUT_MS: "2000",
      LLM_RETRY_MAX_MS: "1000",
    },
    (line) => {
      if (line.includes('"event":"run_stalled"')) stalledRuns++;
    },
  );
});

afterAll(async () => {
  await server?.stop();
});

const json = { "Content-Type": "application/json", Accept: "application/json" };

/** Streams that broke mid-way (their object restarted) and were resumed from their last id. */
let resumedStreams = 0;
/** Times one reader may resume before the soak fails. */
const MAX_READER_RESUMES = 5;

/**
 * Reads an SSE answer to its end (or `maxEvents`) the way a client does: a stream that breaks is
 * resumed with Last-Event-ID. A stream that hangs is not: its timeout fails the soak, saying
 * what the session looked like, so a hung stream can be told apart from a hung run.
 */
async function readAll(path: string, auth: Record<string, string>, maxEvents?: number) {
  const out: ReadSse = { messages: [], events: [], retry: undefined, comments: [] };
  for (let attempt = 0; ; attempt++) {
    const last = out.events.at(-1)?.id;
    try {
      const res = await call(path, last === undefined ? auth : { ...auth, "Last-Event-ID": String(last) });
      if (res.status === 204) return out;
      if (res.status !== 200) throw new Error(`events answered ${res.status}: ${await res.text()}`);
      return await readSseInto(res, out, maxEvents);
    } catch (error) {
      const hung = error instanceof Error && /timeout|abort/i.test(`${error.name} ${error.message}`);
      if (!hung && attempt < MAX_READER_RESUMES) {
        resumedStreams++;
        await sleep(200);
        continue;
      }
      const session = /\/sessions\/([^/]+)\//.exec(path)?.[1];
      const snapshot = session ? await (await call(`/sessions/${session}`, auth)).text() : "";
      throw new Error(`reading ${path.split("?")[0]} failed: ${String(error)}; snapshot ${snapshot.slice(0, 3000)}`);
    }
  }
}

/** Times the local runtime restarted under a request (see `call`). */
let runtimeRestarts = 0;

/**
 * One request. Under this load the local runtime (workerd under `wrangler dev`) occasionally
 * restarts after an internal "connection reset by peer" error, and wrangler answers requests in
 * flight with 503 "worker restarted mid-request" (retrying GETs itself). Such an answer is retried
 * here like a client would after a restart; the restart itself is a fault the checks below must
 * survive (runs resume from their checkpoints, logs stay gapless).
 */
async function call(path: string, auth: Record<string, string>, init?: RequestInit): Promise<Response> {
  const headers = { ...auth, ...(init?.headers as Record<string, string> | undefined) };
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${server.url}${path}`, { ...init, headers, signal: AbortSignal.timeout(CALL_TIMEOUT_MS) });
    if (res.status !== 503 || attempt >= 5) return res;
    const text = await res.text();
    if (!text.includes("restarted mid-request")) return new Response(text, res);
    runtimeRestarts++;
    await sleep(500);
  }
}

/**
 * Longest a session may take to go idle, ms: a soak run lasts well under a second, and one that
 * stalls is restarted by the watchdog after RUN_STALL_MS and then has to finish.
 */
const IDLE_TIMEOUT_MS = 60_000;

/** Waits until the session is idle, or gone (deleted), looking every 100 ms through `call`. */
async function waitIdle(id: string, auth: Record<string, string>): Promise<void> {
  const idleOrGone = async () => {
    const res = await call(`/sessions/${id}`, auth);
    return res.status === 404 || ((await res.json()) as { status: string }).status === "idle";
  };
  await vi.waitUntil(idleOrGone, { timeout: IDLE_TIMEOUT_MS, interval: 100 }).catch((error: unknown) => {
    throw new Error(`session ${id} never went idle: ${String(error)}`);
  });
}

/** One session's worker: loops runs, readers, cancels and deletes until the deadline. */
async function sessionLoop(
  user: string,
  deadline: number,
  stats: { runs: number; cancels: number; deletes: number },
): Promise<{ auth: Record<string, string>; sessions: Set<string> }> {
  const auth = await bearer(user);
  const live = new Set<string>();
  let id: string | undefined;
  while (Date.now() < deadline) {
    const mode = Math.random() < 0.5 ? "novachat" : "loomichat";
    const res = await call(`/${mode}`, auth, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ message: `soak ${stats.runs}`, ...(id ? { session_id: id } : {}) }),
    });
    if (res.status === 409) {
      // A start retried after a runtime restart found its first attempt's run still active.
      await waitIdle(id ?? "", auth);
      continue;
    }
    if (res.status !== 202) throw new Error(`start answered ${res.status}: ${await res.text()}`);
    const started = (await res.json()) as { session_id: string; events_url: string };
    id = started.session_id;
    live.add(id);
    stats.runs++;
    // A reader that leaves after a few events, another that reads to the end.
    const early = readAll(started.events_url, auth, 1 + Math.floor(Math.random() * 8));
    const full = readAll(started.events_url, auth);
    const roll = Math.random();
    if (roll < 0.15) {
      await sleep(Math.random() * 100);
      await call(`/sessions/${id}/cancel`, auth, { method: "POST" });
      stats.cancels++;
    }
    await Promise.all([early, full]);
    await waitIdle(id, auth);
    if (roll > 0.92) {
      await call(`/sessions/${id}`, auth, { method: "DELETE" });
      live.delete(id);
      stats.deletes++;
      id = undefined;
    }
  }
  return { auth, sessions: live };
}

it(`keeps every log gapless and every text intact through a ${SOAK_SECONDS} s soak`, async () => {
  // A warm-up round first, so the start of the heap comparison has the same sessions alive and
  // the runtime's one-off allocations (compiled code, caches) made.
  const stats = { runs: 0, cancels: 0, deletes: 0 };
  let rssPeak = server.rssKb();
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, server.rssKb());
  }, 1000);
  const warmDeadline = Date.now() + Math.max(10, Math.min(60, SOAK_SECONDS / 5)) * 1000;
  await Promise.all(Array.from({ length: SESSIONS }, (_, i) => sessionLoop(`soak-${i}`, warmDeadline, stats)));
  const inspector = await openHeapInspector(server.inspectorPort);
  const heapStart = await inspector.heapUsedAfterGc();
  const deadline = Date.now() + SOAK_SECONDS * 1000;
  const loops = await Promise.all(
    Array.from({ length: SESSIONS }, (_, i) => sessionLoop(`soak-${i}`, deadline, stats)),
  );
  const sessions = loops.flatMap(({ auth, sessions }) => [...sessions].map((id) => ({ id, auth })));

  let eventsChecked = 0;
  let gaps = 0;
  let duplicates = 0;
  for (const { id, auth } of sessions) {
    const { events } = await readAll(`/sessions/${id}/events`, auth);
    eventsChecked += events.length;
    events.forEach((e, i) => {
      if (e.id < i + 1) duplicates++;
      else if (e.id > i + 1) gaps++;
    });
    for (const run of byRun(events).values()) expect(findIntegrityMismatches(run)).toEqual([]);
    const snap = (await (await call(`/sessions/${id}`, auth)).json()) as { readers: number; status: string };
    expect(snap).toMatchObject({ readers: 0, status: "idle" });
  }
  // No stream or run lease is left counted for any user once the traffic is over. Leases are
  // released when their stream or run ends; only a stream on an object the watchdog restarted
  // (nothing is left to release it) may count until its lease expires.
  const leaseWaitMs = stalledRuns > 0 ? (STREAM_LEASE_SECONDS + 5) * 1000 : 10_000;
  for (const { auth } of loops) {
    let usage = { streams: { open: -1 }, runs: { active: -1 } };
    const released = async () => {
      usage = (await (await call("/usage", auth)).json()) as typeof usage;
      return usage.streams.open === 0 && usage.runs.active === 0;
    };
    // Past the wait, the check below says what is still counted.
    await vi.waitUntil(released, { timeout: leaseWaitMs, interval: 200 }).catch(() => {});
    if (usage.streams.open !== 0)
      console.log(
        "LEAKED",
        JSON.stringify(usage),
        server
          .output()
          .split("\n")
          .filter((l) => /error|fail/i.test(l))
          .slice(-20)
          .join("\n"),
      );
    expect(usage).toMatchObject({ streams: { open: 0 }, runs: { active: 0 } });
  }
  clearInterval(sampler);
  const heapEnd = await inspector.heapUsedAfterGc();
  inspector.close();
  const heapBound = heapStart * HEAP_GROWTH_FACTOR + HEAP_SLACK_MIB * 1024 * 1024;
  const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  record({
    scenario: "4 soak",
    runs: stats.runs,
    eventsChecked,
    lost: gaps,
    duplicated: duplicates,
    maxRecoveryMs: 0,
    notes: `${SOAK_SECONDS} s, ${SESSIONS} sessions, ${stats.cancels} cancels, ${stats.deletes} deletes, ${runtimeRestarts} requests hit a runtime restart, ${stalledRuns} stalled runs restarted by the watchdog, ${resumedStreams} streams resumed; JS heap after GC ${mib(heapStart)} MiB after warm-up, ${mib(heapEnd)} MiB at the end (bound ${mib(heapBound)}); workerd RSS peak ${Math.round(rssPeak / 1024)} MiB`,
  });
  expect(gaps).toBe(0);
  expect(duplicates).toBe(0);
  expect(stats.runs).toBeGreaterThan(SESSIONS);
  expect(heapEnd).toBeLessThan(heapBound);
});
