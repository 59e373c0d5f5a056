/**
 * Peer comparison: the same resume workload on Vercel's `resumable-stream` with a local
 * redis-server, run in its own Node process (bench/lib/peer-server.mjs). A 10,000-chunk stream
 * (the same frames as ours) is produced and read once, then a second client resumes it from the
 * start over HTTP on loopback: time and bytes, beside our replay of a 10,000-event session.
 * Then each side loses its producer mid-stream: our runtime restarts on the same storage, their
 * producer's process goes away. Who can still resume is measured, not assumed.
 */
import { fork } from "node:child_process";
import { once } from "node:events";
import { startSynthetic, waitIdle } from "../lib/api.mjs";
import { killAtExit, onCleanup } from "../lib/cleanup.mjs";
import { findRedisServer, startRedis } from "../lib/redis-server.mjs";
import { readSse } from "../lib/sse-reader.mjs";
import { median } from "../lib/stats.mjs";

export const CHUNKS = 10_000;

async function startPeer(redisUrl) {
  const child = fork(new URL("../lib/peer-server.mjs", import.meta.url), [redisUrl], { stdio: "ignore" });
  killAtExit(child);
  const [{ port }] = await Promise.race([
    once(child, "message"),
    once(child, "exit").then(() => Promise.reject(new Error("peer server exited"))),
  ]);
  const base = `http://127.0.0.1:${port}`;
  const post = async (path) => {
    const res = await fetch(`${base}${path}`, { method: "POST" });
    if (!res.ok) throw new Error(`peer ${path}: ${res.status} ${await res.text()}`);
    return res.text();
  };
  return {
    produce: async (framesUrl) => JSON.parse(await post(`/produce?frames_url=${encodeURIComponent(framesUrl)}`)),
    finish: (id) => post(`/finish/${id}`),
    kill: (id) => post(`/kill/${id}`),
    resume: (id) => measure(`${base}/resume/${id}`, { first: 1, last: CHUNKS }, CHUNKS),
    stop: onCleanup(() => child.kill("SIGTERM")),
  };
}

/** One resume read: time to the last expected event, bytes, and the check. */
async function measure(url, expect, maxEvents) {
  const r = await readSse(url, { expect, maxEvents, timeoutMs: 30_000 });
  return { ms: r.endedAt - r.startedAt, bytes: r.bytes, events: r.events, status: r.status, complete: r.complete };
}

export async function run({ start, trials, log }) {
  const binary = findRedisServer();
  if (!binary) {
    log("peer: redis-server is not installed (apt-get install -y redis-server): row skipped");
    return { raw: { skipped: "redis-server not installed" }, rows: [] };
  }
  const server = await start("real");
  const redis = await startRedis(binary);
  const peer = await startPeer(redis.url);
  try {
    const started = await startSynthetic(server.url, { events: CHUNKS, burst: CHUNKS });
    await waitIdle(server.url, started.session_id);
    const ours = () => measure(`${server.url}/sessions/${started.session_id}/events`, started.expect);
    // Their chunks are the pipe route's frames: the same bytes as our events. (A function: the
    // server's URL changes when it restarts.)
    const framesUrl = () => `${server.url}/_bench/pipe?events=${CHUNKS}`;
    const samples = { ours: [], theirs: [] };
    for (let i = 0; i <= trials; i++) {
      const { stream_id } = await peer.produce(framesUrl());
      const theirs = await peer.resume(stream_id);
      await peer.finish(stream_id);
      const mine = await ours();
      if (!theirs.complete || !mine.complete) throw new Error(`resume incomplete: ${JSON.stringify({ theirs, mine })}`);
      if (i === 0) continue; // warm-up
      samples.theirs.push(theirs);
      samples.ours.push(mine);
    }
    await server.restart();
    const oursAfter = await ours();
    const { stream_id } = await peer.produce(framesUrl());
    await peer.kill(stream_id);
    const theirsAfter = await peer.resume(stream_id);
    const ms = (side) => median(samples[side].map((s) => s.ms));
    log(`peer: resume ours ${ms("ours").toFixed(1)} ms, resumable-stream ${ms("theirs").toFixed(1)} ms`);
    log(`peer: after losing the producer ours ${oursAfter.events} events, theirs ${theirsAfter.events}`);
    const scenario = "7 peer resume 10k";
    return {
      raw: { samples, oursAfter, theirsAfter },
      rows: [
        { scenario, metric: "time", unit: "ms", ours: ms("ours"), resumableStream: ms("theirs") },
        { scenario, metric: "bytes", unit: "B", ours: samples.ours[0].bytes, resumableStream: samples.theirs[0].bytes },
        {
          scenario,
          metric: "events resumed after producer loss",
          better: "higher",
          ours: oursAfter.events,
          resumableStream: theirsAfter.events,
          note: `ours after a runtime restart on its storage: ${oursAfter.complete ? "every event" : "INCOMPLETE"}; resumable-stream after its producer's process went away: HTTP ${theirsAfter.status}, ${theirsAfter.events} events`,
        },
      ],
    };
  } finally {
    peer.stop();
    await redis.stop();
    await server.stop();
  }
}
