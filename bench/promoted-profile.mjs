/**
 * Which functions allocate the memory that V8 promotes during a 100,000-event run (the memory
 * rows' growth, docs/performance.md): starts one instance with an inspector, runs the memory
 * scenario's warm-up (a run read by a fast reader), then samples allocations through
 * `HeapProfiler.startSampling` during a second run, keeping objects a minor collection freed out
 * of the profile, so what remains was promoted into the old generation. Prints the top
 * allocating functions by sampled bytes; with `--all`, every allocation instead (what the run
 * allocated, promoted or not). Not part of `npm run bench`.
 *
 *   node bench/promoted-profile.mjs [--events 100000] [--top 15] [--all]
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { eventsUrl, startSynthetic, waitIdle } from "./lib/api.mjs";
import { authorizeFetch } from "./lib/auth.mjs";
import { heapProbe } from "./lib/heap-probe.mjs";
import { INSTANCES } from "./lib/instances.mjs";
import { bundleWorker, startServer } from "./lib/server.mjs";
import { readSse } from "./lib/sse-reader.mjs";

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "100000" },
    top: { type: "string", default: "15" },
    all: { type: "boolean", default: false },
  },
});
const MB = 2 ** 20;
authorizeFetch();

async function fastRun(server, events) {
  const started = await startSynthetic(server.url, { events, wait_for_readers: 1 });
  const reader = readSse(eventsUrl(server.url, started), { expect: started.expect, timeoutMs: 300_000 });
  await waitIdle(server.url, started.session_id);
  if (!(await reader).complete) throw new Error("the reader missed events");
}

/** Self bytes per function (name and position) over the sampled profile's tree. */
function byFunction(head) {
  const totals = new Map();
  const visit = (node) => {
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    const key = `${functionName || "(anonymous)"} ${url.split("/").pop()}:${lineNumber + 1}:${columnNumber + 1}`;
    totals.set(key, (totals.get(key) ?? 0) + node.selfSize);
    for (const child of node.children) visit(child);
  };
  visit(head);
  return [...totals].sort((a, b) => b[1] - a[1]);
}

const events = Number(values.events);
const bundle = await bundleWorker();
const server = await startServer(bundle.scriptPath, INSTANCES.real, { inspectorPort: 0 });
try {
  const probe = await heapProbe(server);
  await fastRun(server, events);
  await probe.call("HeapProfiler.enable");
  await probe.call("HeapProfiler.startSampling", {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: values.all,
  });
  await fastRun(server, events);
  const { profile } = await probe.call("HeapProfiler.stopSampling");
  const rows = byFunction(profile.head);
  const total = rows.reduce((sum, [, bytes]) => sum + bytes, 0);
  console.log(
    `${values.all ? "allocated" : "promoted"} during the second ${events}-event run (sampled): ${(total / MB).toFixed(1)} MB`,
  );
  // The bundle's line names an anonymous function (it is removed with the bundle).
  const lines = (await readFile(bundle.scriptPath, "utf8")).split("\n");
  for (const [name, bytes] of rows.slice(0, Number(values.top))) {
    const line = Number(/worker\.js:(\d+):/.exec(name)?.[1] ?? 0);
    const source = line ? `  | ${lines[line - 1].trim().slice(0, 70)}` : "";
    console.log(`${(bytes / MB).toFixed(2).padStart(7)} MB  ${name}${source}`);
  }
  probe.close();
} finally {
  await server.stop();
  await bundle.dispose();
}
