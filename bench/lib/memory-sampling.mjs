/**
 * How the memory scenario samples an instance: RSS of its workerd process (the target), the
 * isolate's JS heap beside it (heap-probe.mjs), and a fresh instance per measurement.
 */
import { readFile } from "node:fs/promises";
import { heapProbe } from "./heap-probe.mjs";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Samples `server.rss()` every 200 ms until `until()` resolves; returns the peak. */
export async function peakWhile(server, until) {
  let peak = await server.rss();
  let done = false;
  const finished = until().finally(() => {
    done = true;
  });
  while (!done) {
    peak = Math.max(peak, await server.rss());
    await Promise.race([sleep(200), finished]);
  }
  await finished;
  return peak;
}

/** File-backed resident memory (mapped runtime code), MB: not memory the design holds. */
export async function fileBackedMB(server) {
  const status = await readFile(`/proc/${server.pids[0]}/status`, "utf8").catch(() => "");
  return Number(/RssFile:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

/**
 * Samples RSS (the target) and, when the instance has an inspector, the isolate's JS heap beside
 * it until `until()` resolves: `{ peak, heap }`.
 */
export async function sampleWhile(server, until) {
  const probe = server.probe;
  const stopHeap = probe?.sample();
  const peak = await peakWhile(server, until);
  return { peak, heap: await stopHeap?.() };
}

/** Runs `measure` on a fresh instance, so no measurement reuses memory an earlier one freed. */
export async function fresh(start, name, measure) {
  const server = await start(name);
  try {
    return await measure(server);
  } finally {
    await server.stop();
  }
}

/**
 * Like `fresh`, with the isolate's heap read through the inspector beside RSS (heap-probe.mjs).
 * (A forced collection to read the live heap is not offered: workerd did not answer
 * HeapProfiler.collectGarbage reliably.)
 */
export async function freshWithHeap(start, name, measure) {
  const server = await start(name, {}, { inspectorPort: 0 });
  try {
    server.probe = await heapProbe(server);
    const result = await measure(server);
    return result;
  } finally {
    server.probe?.close();
    await server.stop();
  }
}

/** The isolate's heap beside RSS, for a row's note (the target stays on RSS). */
export function heapNote(heap) {
  if (!heap) return "";
  const f = (mb) => mb.toFixed(1);
  return `; JS heap (inspector): used ${f(heap.usedBeforeMB)} MB before, peak ${f(heap.peakUsedMB)} MB; reserved ${f(heap.totalBeforeMB)} MB before, peak ${f(heap.peakTotalMB)} MB`;
}
