/**
 * Profiles one paced fan-out row (by default the 2,000 SSE readers at 100 events/s): runs it once
 * or more unprofiled and, with `--profile`, once more with a CPU profile of the Worker's isolate taken through workerd's
 * inspector, and prints what each run's p99 is made of and where the isolate's thread went.
 *
 *   node bench/profile-fanout.mjs [--readers 2000] [--transport sse|ws] [--set KEY=VALUE] [--runs 1]
 *                                 [--profile] [--out profile.cpuprofile] [--top 25] [--timeout 180]
 *
 * Not part of `npm run bench`; docs/performance.md ("2,000 SSE readers: the profile") has what it
 * found. Bounded: every reader gives up after `--timeout` s (180), and everything started is stopped at exit.
 */
import { writeFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { eventsUrl, startSynthetic } from "./lib/api.mjs";
import { authorizeFetch } from "./lib/auth.mjs";
import { cleanupAll } from "./lib/cleanup.mjs";
import { openProfiler, selfTimes } from "./lib/cpu-profile.mjs";
import { INSTANCES } from "./lib/instances.mjs";
import { latencyMakeup } from "./lib/latency-makeup.mjs";
import { readMany } from "./lib/reader-pool.mjs";
import { bundleWorker, startServer } from "./lib/server.mjs";
import { PACED } from "./scenarios/fanout.mjs";

const { values } = parseArgs({
  options: {
    readers: { type: "string", default: "2000" },
    transport: { type: "string", default: "sse" },
    set: { type: "string", multiple: true, default: [] },
    out: { type: "string" },
    top: { type: "string", default: "25" },
    runs: { type: "string", default: "1" },
    profile: { type: "boolean", default: false },
    timeout: { type: "string", default: "180" },
  },
});
const readers = Number(values.readers);
const vars = { ...INSTANCES.real };
for (const pair of values.set) {
  const [key, value] = pair.split("=");
  vars[key] = value;
}
const INSPECTOR_PORT = 9229 + (process.pid % 500);
const log = (message) => process.stderr.write(`[profile] ${message}\n`);

/**
 * Seconds the process's threads together have run on a CPU, and waited runnable for one (the
 * scheduler's run queue), from /proc/<pid>/task/<tid>/schedstat.
 */
async function schedSeconds(pid) {
  const { readdir, readFile } = await import("node:fs/promises");
  let onCpu = 0;
  let waiting = 0;
  for (const tid of await readdir(`/proc/${pid}/task`)) {
    const [run, wait] = (await readFile(`/proc/${pid}/task/${tid}/schedstat`, "utf8").catch(() => "0 0")).split(" ");
    onCpu += Number(run) / 1e9;
    waiting += Number(wait) / 1e9;
  }
  return [onCpu, waiting];
}

/** Wall-clock ms, comparable with the readers' stamps. */
const wallNow = () => performance.timeOrigin + performance.now();

/**
 * A wall-clock stamp as CLOCK_MONOTONIC seconds, the clock of `perf record -k mono`: lets a native
 * profile taken over a run be cut into its join phase and its live span (`perf report --time`).
 */
const monoSeconds = (wallMs) => Number(process.hrtime.bigint()) / 1e9 - (wallNow() - wallMs) / 1000;

/**
 * One paced run of `readers` followers; returns every reader's result and the runtime's CPU
 * time on a CPU and waiting for one while live (from the first event's append to the last reader's
 * end), sampled every 50 ms: on a machine shared with other work, these say whether the runtime
 * was busy with the row or waiting for its turn.
 */
async function pacedRun(server) {
  const options = { latency: true, timeoutMs: Number(values.timeout) * 1000 };
  const job = { kind: values.transport, options };
  const cpu = [];
  const sampler = setInterval(async () => {
    const at = wallNow();
    const per = await Promise.all(server.pids.map(schedSeconds));
    cpu.push([at, per.reduce((sum, [run]) => sum + run, 0), per.reduce((sum, [, wait]) => sum + wait, 0)]);
  }, 50);
  const beforeGo = async () => {
    const started = await startSynthetic(server.url, { ...PACED, wait_for_readers: readers });
    options.expect = started.expect;
    if (values.transport === "ws")
      Object.assign(job, { base: server.url, sessionId: started.session_id, afterId: started.expect.first - 1 });
    else job.url = eventsUrl(server.url, started);
  };
  const joinFrom = wallNow();
  const pool = await readMany(job, readers, { beforeGo });
  clearInterval(sampler);
  const liveFrom = Math.min(...pool.results.map((r) => r.firstChunkStamp ?? Number.POSITIVE_INFINITY));
  const liveTo = Math.max(...pool.results.map((r) => r.endedAt));
  const within = cpu.filter(([at]) => at >= liveFrom && at <= liveTo);
  const liveCpuS = within.length > 1 ? within[within.length - 1][1] - within[0][1] : Number.NaN;
  const liveWaitS = within.length > 1 ? within[within.length - 1][2] - within[0][2] : Number.NaN;
  const liveS = within.length > 1 ? (within[within.length - 1][0] - within[0][0]) / 1000 : Number.NaN;
  const phases = [joinFrom, liveFrom, liveTo].map((at) => monoSeconds(at).toFixed(3));
  // The join phase: from the first upgrade asked to the first event (the run waits for every follower).
  const joining = cpu.filter(([at]) => at <= liveFrom);
  const joinCpuS = joining.length > 1 ? joining[joining.length - 1][1] - joining[0][1] : Number.NaN;
  const joinS = (liveFrom - joinFrom) / 1000;
  return { ...pool, liveFrom, liveTo, liveCpuS, liveWaitS, liveS, phases, joinCpuS, joinS };
}

function report(label, run) {
  const m = latencyMakeup(run.results, PACED.events);
  if (m.complete < readers) {
    const errors = [
      ...new Set(
        run.results
          .filter((r) => !r.complete)
          .map((r) => r.error ?? `ids ${r.firstId}-${r.lastId}, ${r.events} events`),
      ),
    ];
    log(`${label}: ${readers - m.complete} incomplete: ${errors.slice(0, 3).join("; ")}`);
    if (m.complete === 0) return;
  }
  log(
    `${label}: ${m.complete}/${readers} complete; p50 ${m.p50.toFixed(1)} ms, p99 ${m.p99.toFixed(1)} ms; ` +
      `workerd on CPU ${run.liveCpuS.toFixed(2)} s, waiting for one ${run.liveWaitS.toFixed(2)} s, over ${run.liveS.toFixed(2)} s live; readers ${run.client.cores.toFixed(2)} cores; load ${loadavg()[0].toFixed(2)}`,
  );
  log(
    `  per event: first reader p50 ${m.first.p50.toFixed(1)} / p99 ${m.first.p99.toFixed(1)} ms; ` +
      `last reader p50 ${m.last.p50.toFixed(1)} / p99 ${m.last.p99.toFixed(1)} ms; ` +
      `first-to-last spread p50 ${m.spread.p50.toFixed(1)} / p99 ${m.spread.p99.toFixed(1)} ms`,
  );
  const [joinFrom, liveFrom, liveTo] = run.phases;
  log(`  joins: ${run.joinS.toFixed(2)} s, workerd on CPU ${run.joinCpuS.toFixed(2)} s`);
  log(`  CLOCK_MONOTONIC s (perf record -k mono): joins ${joinFrom}-${liveFrom}, live ${liveFrom}-${liveTo}`);
}

/** One more run with the isolate's CPU profile taken; prints its self time by function while live. */
async function profiledRun(server) {
  const profiler = await openProfiler(INSPECTOR_PORT);
  await profiler.start();
  const profiledAt = wallNow();
  const profiled = await pacedRun(server);
  const profile = await profiler.stop();
  report("profiled", profiled);
  if (values.out) await writeFile(values.out, JSON.stringify(profile));
  // The live span: from the first event's append to the last reader's end (readers connecting,
  // authenticating and taking their leases before it are another cost, not this row's).
  const { liveFrom, liveTo } = profiled;
  const { total, rows } = selfTimes(profile, (liveFrom - profiledAt) * 1000, (liveTo - profiledAt) * 1000);
  log(`self time by function, of ${(total / 1000).toFixed(0)} ms sampled on the isolate's thread while live:`);
  for (const r of rows.slice(0, Number(values.top)))
    log(`  ${r.ms.toFixed(0).padStart(7)} ms ${(r.share * 100).toFixed(1).padStart(5)}%  ${r.name}`);
  profiler.close();
}

authorizeFetch();
const bundle = await bundleWorker();
try {
  const server = await startServer(bundle.scriptPath, vars, { inspectorPort: INSPECTOR_PORT });
  log(
    `${readers} ${values.transport} readers, ${PACED.events} events at ${PACED.rate}/s; vars ${JSON.stringify(vars)}`,
  );
  report("warm-up, unprofiled", await pacedRun(server));
  for (let i = 1; i <= Number(values.runs); i++) report(`unprofiled ${i}`, await pacedRun(server));
  if (values.profile) await profiledRun(server);
} finally {
  await cleanupAll();
}
process.exit();
