/**
 * The fan-out runs the fan-out scenario measures: one session (or the pipe route) read by N
 * followers over SSE or WebSocket, the followers spread over the reader pool's processes, every
 * follower checked id by id. Each returns the same summary.
 */
import { eventsUrl, startSynthetic } from "./api.mjs";
import { readMany } from "./reader-pool.mjs";
import { percentile } from "./stats.mjs";

const READER_TIMEOUT_MS = 180_000;

/** One summary of N followers' results; the span starts at `spanStart(results)`. */
export function summarize({ results, client }, spanStart) {
  const latencies = [];
  for (const r of results) if (r.latencies) for (const l of r.latencies) latencies.push(l);
  const delivered = results.reduce((sum, r) => sum + r.events, 0);
  const end = Math.max(...results.map((r) => r.endedAt));
  return {
    readers: results.length,
    complete: results.filter((r) => r.complete).length,
    errors: [...new Set(results.filter((r) => !r.complete).map((r) => r.error ?? "ids"))].slice(0, 3),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    delivered,
    perSecond: (delivered / (end - spanStart(results))) * 1000,
    client: { ...client, cores: Math.round(client.cores * 100) / 100 },
  };
}

const fromFirstChunk = (rs) => Math.min(...rs.map((r) => r.firstChunkStamp ?? r.startedAt));

/**
 * N followers of one synthetic session over `transport` ("sse" or "ws"); the session's run
 * waits for all of them, and the span starts at its first synthetic event's append.
 */
export async function sessionFanOut(server, readers, spec, transport = "sse") {
  let started;
  const options = { latency: spec.rate > 0, timeoutMs: READER_TIMEOUT_MS };
  const job = { kind: transport, options };
  const beforeGo = async () => {
    started = await startSynthetic(server.url, { ...spec, wait_for_readers: readers });
    options.expect = started.expect;
    if (transport === "ws")
      Object.assign(job, { base: server.url, sessionId: started.session_id, afterId: started.expect.first - 1 });
    else job.url = eventsUrl(server.url, started);
  };
  return summarize(await readMany(job, readers, { beforeGo }), fromFirstChunk);
}

/** N readers of the pipe route, each sent the same frames directly by the Worker. */
export async function pipeFanOut(server, readers, spec) {
  const url = `${server.url}/_bench/pipe?events=${spec.events}&rate=${spec.rate}`;
  const options = { expect: { first: 1, last: spec.events }, latency: spec.rate > 0, timeoutMs: READER_TIMEOUT_MS };
  return summarize(await readMany({ kind: "sse", url, options }, readers), (rs) =>
    Math.min(...rs.map((r) => r.startedAt)),
  );
}
