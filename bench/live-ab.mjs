/**
 * Live throughput A/B: one 50,000-event live trial (as bench/scenarios/live.mjs) on each of
 * several instances in turn, rounds interleaved, with per trial the busiest workerd thread's CPU,
 * run-queue wait and off-CPU time (/proc schedstat) and the fsync/fdatasync calls (perf stat, when
 * available). Used for docs/performance.md, "Live throughput and commit latency".
 *
 *   node bench/live-ab.mjs [rounds] '{"a":{},"b":{"WRITE_BATCH_MAX_EVENTS":"1024"}}'
 *
 * A configuration's "@root" names another checkout whose code it runs (its own bundle), for a
 * before/after comparison in one window: '{"before":{"@root":"/path/to/old"},"after":{}}'.
 */
import { spawn } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { eventsUrl, startSynthetic } from "./lib/api.mjs";
import { authorizeFetch } from "./lib/auth.mjs";
import { cleanupAll } from "./lib/cleanup.mjs";
import { INSTANCES } from "./lib/instances.mjs";
import { bundleWorker, startServer } from "./lib/server.mjs";
import { readSse } from "./lib/sse-reader.mjs";
import { median } from "./lib/stats.mjs";

const rounds = Number(process.argv[2] ?? 3);
const configs = JSON.parse(process.argv[3] ?? '{"default":{}}');
const EVENTS = 50_000;

async function threads(pids) {
  const out = new Map();
  for (const pid of pids) {
    for (const tid of await readdir(`/proc/${pid}/task`).catch(() => [])) {
      const s = await readFile(`/proc/${pid}/task/${tid}/schedstat`, "utf8").catch(() => "");
      const [cpu, wait] = s.split(" ").map(Number);
      if (s) out.set(`${pid}/${tid}`, { cpu: cpu / 1e6, wait: wait / 1e6 });
    }
  }
  return out;
}

function perfStat(pids) {
  const events = "syscalls:sys_enter_fsync,syscalls:sys_enter_fdatasync";
  const child = spawn("perf", ["stat", "-x", ",", "-e", events, "-p", pids.join(",")], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let err = "";
  child.stderr.on("data", (d) => (err += d));
  child.on("error", () => {});
  return async () => {
    child.kill("SIGINT");
    await new Promise((r) => child.once("close", r));
    return err.split("\n").reduce((n, line) => n + (Number(line.split(",")[0]) || 0), 0);
  };
}

async function trial(server) {
  const before = await threads(server.pids);
  const t0 = performance.now();
  const stop = perfStat(server.pids);
  await new Promise((r) => setTimeout(r, 200));
  const started = await startSynthetic(server.url, { wait_for_readers: 1, events: EVENTS });
  const r = await readSse(eventsUrl(server.url, started), { expect: started.expect });
  if (!r.complete) throw new Error(`incomplete: ${r.error ?? "ids"}`);
  const wall = r.endedAt - r.firstChunkStamp;
  // The same span on Node's clock alone (from the first event's receipt: the run's start, a few
  // ms before its first chunk): immune to a step of the system clock between the two processes.
  const nodeSpan = r.endedAt - r.firstEventAt;
  const syncs = await stop();
  const after = await threads(server.pids);
  const span = performance.now() - t0;
  let top = { cpu: 0, wait: 0 };
  for (const [k, a] of after) {
    const b = before.get(k) ?? { cpu: 0, wait: 0 };
    if (a.cpu - b.cpu > top.cpu) top = { cpu: a.cpu - b.cpu, wait: a.wait - b.wait };
  }
  // Off-CPU and not runnable: asleep (idle, or blocked in a syscall such as a commit's fsync).
  const off = span - top.cpu - top.wait;
  return {
    rate: (EVENTS / wall) * 1000,
    nodeRate: (EVENTS / nodeSpan) * 1000,
    wall,
    cpu: top.cpu,
    wait: top.wait,
    off,
    syncs,
  };
}

authorizeFetch();
const bundles = new Map();
async function bundleOf(root) {
  if (!bundles.has(root)) {
    const lib = root ? await import(`${root}/bench/lib/server.mjs`) : { bundleWorker };
    bundles.set(root, await lib.bundleWorker());
  }
  return bundles.get(root);
}
const servers = {};
const samples = {};
try {
  for (const [name, { "@root": root, ...vars }] of Object.entries(configs)) {
    const bundle = await bundleOf(root);
    servers[name] = await startServer(bundle.scriptPath, { ...INSTANCES.real, ...vars }, { storageRoot: tmpdir() });
    samples[name] = [];
  }
  const names = Object.keys(configs);
  for (let i = 0; i < rounds; i++) {
    for (let j = 0; j < names.length; j++) {
      const name = names[(i + j) % names.length];
      const s = await trial(servers[name]);
      samples[name].push(s);
      const f = (x) => x.toFixed(0);
      console.log(
        `r${i + 1} ${name}: ${f(s.rate)}/s (node clock ${f(s.nodeRate)}/s) wall ${f(s.wall)} ms, thread cpu ${f(s.cpu)} runq ${f(s.wait)} off ${f(s.off)}, fsync ${s.syncs}`,
      );
    }
  }
  for (const name of names) {
    const m = (k) => median(samples[name].map((s) => s[k])).toFixed(0);
    console.log(
      `median ${name}: ${m("rate")}/s (node clock ${m("nodeRate")}/s), wall ${m("wall")} ms, cpu ${m("cpu")}, runq ${m("wait")}, off ${m("off")}, fsync ${m("syncs")}`,
    );
  }
} finally {
  await cleanupAll();
}
