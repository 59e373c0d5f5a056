/**
 * Where the memory of idle WebSocket followers goes (docs/performance.md, "500 idle followers"):
 * for the runtime's floor (bench/idle-floor/), ours and the Agents SDK peer, each in a fresh
 * workerd with its inspector on, RSS and the isolate's JS heap (after a full GC) before and with
 * N followers settled, and the heap snapshot's constructors that grew the most.
 *
 *   node bench/idle-profile.mjs [floor|floorRpc|ours|oursHead|oursRequests|theirs ...] [--followers 500] [--no-inspector]
 */
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import WebSocket from "ws";
import { chatRequest, chatUrl, followChat, idleFollower } from "./agents-peer/chat-client.mjs";
import { startSynthetic, waitIdle } from "./lib/api.mjs";
import { AUTHORIZATION, authorizeFetch } from "./lib/auth.mjs";
import { diff, inspector, summarize } from "./lib/heap-inspector.mjs";
import { INSTANCES } from "./lib/instances.mjs";
import { bundleWorker, startServer } from "./lib/server.mjs";
import { followSocket } from "./lib/ws-follower.mjs";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    followers: { type: "string", default: "500" },
    "no-inspector": { type: "boolean" },
    out: { type: "string" },
  },
});
authorizeFetch();
const FOLLOWERS = Number(values.followers);
const BATCH = 50;
const MB = 2 ** 20;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let port = 20_000 + Math.floor(Math.random() * 20_000);

async function measure(label, server, open) {
  const cdp = values["no-inspector"] ? undefined : await inspector(server.inspectorPort, label, server.url);
  await sleep(1_000);
  const heap0 = await cdp?.heap();
  const snap0 = cdp && summarize(await cdp.snapshot());
  await sleep(500);
  const rss0 = await server.rss();
  const followers = [];
  let ok = 0;
  const t0 = performance.now();
  while (followers.length < FOLLOWERS) {
    const batch = Array.from({ length: BATCH }, open);
    followers.push(...batch);
    ok += (await Promise.all(batch.map((f) => f.arrived))).filter(Boolean).length;
  }
  const connectMs = performance.now() - t0;
  await sleep(2_000);
  const rss1 = await server.rss();
  const heapNoGc = cdp && (await cdp.send("Runtime.getHeapUsage")).result;
  const heap1 = await cdp?.heap();
  const rss1gc = await server.rss();
  const snap1 = cdp && summarize(await cdp.snapshot());
  for (const f of followers) f.close();
  cdp?.close();
  const result = {
    label,
    ok,
    connectMs: Math.round(connectMs),
    rssBeforeMB: rss0 / MB,
    rssGrowthMB: (rss1 - rss0) / MB,
    rssPerFollowerKB: (rss1 - rss0) / 1024 / FOLLOWERS,
    rssAfterGcGrowthMB: (rss1gc - rss0) / MB,
    heapBefore: heap0,
    heapWithNoGc: heapNoGc,
    heapWith: heap1,
    heapGrowthPerFollowerKB: heap1 && (heap1.usedSize - heap0.usedSize) / 1024 / FOLLOWERS,
    snapshotDiff: snap0 && diff(snap0, snap1, FOLLOWERS),
  };
  return result;
}

async function withServer(script, vars, opts, fn) {
  const inspectorPort = values["no-inspector"] ? undefined : port++;
  const server = await startServer(script, vars, { ...opts, inspectorPort });
  server.inspectorPort = inspectorPort;
  try {
    return await fn(server);
  } finally {
    await server.stop();
  }
}

const targets = {
  async floor() {
    const b = await bundleWorker({ entry: "bench/idle-floor/worker.ts", config: "bench/idle-floor/wrangler.toml" });
    return withServer(b.scriptPath, {}, { config: "bench/idle-floor/wrangler.toml", name: "idle-floor" }, (server) =>
      measure("idle-floor", server, () => {
        const ws = new WebSocket(`${server.url.replace(/^http/, "ws")}/ws`);
        const arrived = new Promise((resolve) => {
          ws.once("message", () => resolve(true));
          ws.once("error", () => resolve(false));
        });
        return { arrived, close: () => ws.close() };
      }),
    );
  },
  async floorRpc() {
    const b = await bundleWorker({ entry: "bench/idle-floor/worker.ts", config: "bench/idle-floor/wrangler.toml" });
    return withServer(b.scriptPath, {}, { config: "bench/idle-floor/wrangler.toml", name: "idle-floor" }, (server) =>
      measure("idle-floor", server, () => {
        const ws = new WebSocket(`${server.url.replace(/^http/, "ws")}/ws?rpc`);
        const arrived = new Promise((resolve) => {
          ws.once("message", () => resolve(true));
          ws.once("error", () => resolve(false));
        });
        return { arrived, close: () => ws.close() };
      }),
    );
  },
  async ours() {
    const b = await bundleWorker();
    return withServer(b.scriptPath, INSTANCES.real, {}, async (server) => {
      const started = await startSynthetic(server.url, { events: 20, burst: 20 });
      await waitIdle(server.url, started.session_id);
      return measure("edge-stream", server, () => {
        const f = followSocket(server.url, started.session_id, { expect: started.expect, hold: true });
        return { arrived: f.arrived.then((r) => r.complete), close: f.close };
      });
    });
  },
  /** Ours without sockets: the same number of plain requests (a session snapshot each), for the request path's own growth. */
  async oursRequests() {
    const b = await bundleWorker();
    return withServer(b.scriptPath, INSTANCES.real, {}, async (server) => {
      const started = await startSynthetic(server.url, { events: 20, burst: 20 });
      await waitIdle(server.url, started.session_id);
      return measure("edge-stream", server, () => {
        const arrived = fetch(`${server.url}/sessions/${started.session_id}`).then(
          (r) => r.ok && r.arrayBuffer().then(() => true),
        );
        return { arrived, close: () => {} };
      });
    });
  },
  /** Ours with followers at the head (no backlog sent): each settles on its first message (presence). */
  async oursHead() {
    const b = await bundleWorker();
    return withServer(b.scriptPath, INSTANCES.real, {}, async (server) => {
      const started = await startSynthetic(server.url, { events: 20, burst: 20 });
      await waitIdle(server.url, started.session_id);
      const url = `${server.url.replace(/^http/, "ws")}/sessions/${started.session_id}/ws?last_event_id=${started.expect.last}`;
      return measure("edge-stream", server, () => {
        const ws = new WebSocket(url, { headers: { Authorization: AUTHORIZATION } });
        const arrived = new Promise((resolve) => {
          ws.once("message", (data) => resolve(String(data).includes('"presence"')));
          ws.once("error", () => resolve(false));
        });
        return { arrived, close: () => ws.close() };
      });
    });
  },
  async theirs() {
    const PEER = { entry: "bench/agents-peer/worker.ts", config: "bench/agents-peer/wrangler.toml" };
    const b = await bundleWorker(PEER);
    return withServer(b.scriptPath, {}, { config: PEER.config, name: "agents-peer" }, async (server) => {
      const url = chatUrl(server.url, "idle");
      await followChat(url, { request: chatRequest("idle", { chunks: 20 }) });
      return measure("agents-peer", server, () => idleFollower(url));
    });
  },
};

const results = [];
for (const name of positionals.length ? positionals : Object.keys(targets)) {
  const r = await targets[name]();
  results.push(r);
  const { snapshotDiff, ...rest } = r;
  console.log(JSON.stringify(rest));
  if (snapshotDiff) {
    console.log(
      `  heap snapshot growth ${snapshotDiff.totalKB.toFixed(0)} KB, ${snapshotDiff.perFollowerB.toFixed(0)} B a follower`,
    );
    for (const t of snapshotDiff.top.slice(0, 15))
      console.log(`   ${(t.bytes / 1024).toFixed(1).padStart(9)} KB ${String(t.count).padStart(7)}  ${t.key}`);
  }
}
if (values.out) await writeFile(values.out, JSON.stringify(results, null, 2));
process.exit(0);
