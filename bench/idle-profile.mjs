/**
 * Where the memory of idle WebSocket followers goes (docs/performance.md, "500 idle followers"):
 * for the runtime's floor (bench/idle-floor/), ours and the Agents SDK peer, each in a fresh
 * workerd with its inspector on, RSS and the isolate's JS heap (after a full GC) before and with
 * N followers settled, and the heap snapshot's constructors that grew the most.
 *
 *   node bench/idle-profile.mjs [floor|floorRpc|ours|oursRequests|theirs ...] [--followers 500] [--no-inspector]
 */
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import WebSocket from "ws";
import { chatRequest, chatUrl, followChat, idleFollower } from "./agents-peer/chat-client.mjs";
import { startSynthetic, waitIdle } from "./lib/api.mjs";
import { authorizeFetch } from "./lib/auth.mjs";
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

/** A CDP session on the Worker `name` through Miniflare's inspector proxy. */
async function inspector(inspectorPort, name, base) {
  const list = await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json();
  const target = list.find((t) => t.id === `core:user:${name}`);
  if (!target) throw new Error(`no inspector target core:user:${name} on port ${inspectorPort}`);
  // Seen here: workerd answered an inspector message only once its isolate next ran (a request),
  // so each message is followed by requests to /health until its answer comes.
  const poke = () =>
    fetch(`${base}/health`)
      .then((r) => r.arrayBuffer())
      .catch(() => {});
  const ws = new WebSocket(target.webSocketDebuggerUrl, { maxPayload: 2 ** 30 });
  let id = 0;
  const waiting = new Map();
  let chunks = [];
  ws.on("message", (data) => {
    const m = JSON.parse(String(data));
    if (m.method === "HeapProfiler.addHeapSnapshotChunk") chunks.push(m.params.chunk);
    else if (m.id !== undefined) waiting.get(m.id)?.(m);
  });
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  const send = (method, params = {}) =>
    new Promise((resolve) => {
      const n = ++id;
      waiting.set(n, resolve);
      ws.send(JSON.stringify({ id: n, method, params }));
      const timer = setInterval(poke, 250);
      waiting.set(n, (m) => {
        clearInterval(timer);
        resolve(m);
      });
      poke();
    });
  return {
    send,
    async heap() {
      await send("HeapProfiler.collectGarbage");
      const r = await send("Runtime.getHeapUsage");
      return r.result;
    },
    async snapshot() {
      chunks = [];
      await send("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
      return JSON.parse(chunks.join(""));
    },
    close: () => ws.close(),
  };
}

/** Self size and count by node type and name. */
function summarize(snap) {
  const f = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const w = f.length;
  const [ti, ni, si] = ["type", "name", "self_size"].map((k) => f.indexOf(k));
  const by = new Map();
  const nodes = snap.nodes;
  for (let i = 0; i < nodes.length; i += w) {
    const type = types[nodes[i + ti]];
    let name = snap.strings[nodes[i + ni]];
    if (type === "string" || type === "concatenated string" || type === "sliced string") name = "(string)";
    else if (type === "code") name = "(code)";
    else if (name.length > 60) name = `${name.slice(0, 60)}…`;
    const key = `${type}:${name}`;
    const e = by.get(key) ?? { count: 0, size: 0 };
    e.count++;
    e.size += nodes[i + si];
    by.set(key, e);
  }
  return by;
}

function diff(before, after, n) {
  const rows = [];
  for (const [key, a] of after) {
    const b = before.get(key) ?? { count: 0, size: 0 };
    if (a.size - b.size > 0) rows.push({ key, count: a.count - b.count, bytes: a.size - b.size });
  }
  rows.sort((x, y) => y.bytes - x.bytes);
  const total = rows.reduce((s, r) => s + r.bytes, 0);
  return { totalKB: total / 1024, perFollowerB: total / n, top: rows.slice(0, 25) };
}

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
