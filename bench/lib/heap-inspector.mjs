/**
 * The isolate's JS heap through workerd's inspector (Miniflare's `inspectorPort`), for
 * bench/idle-profile.mjs: heap usage after a full GC, and heap snapshots summed by constructor so
 * that two can be diffed.
 */
import WebSocket from "ws";

/** A CDP session on the Worker `name` through Miniflare's inspector proxy. */
export async function inspector(inspectorPort, name, base) {
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
export function summarize(snap) {
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

export function diff(before, after, n) {
  const rows = [];
  for (const [key, a] of after) {
    const b = before.get(key) ?? { count: 0, size: 0 };
    if (a.size - b.size > 0) rows.push({ key, count: a.count - b.count, bytes: a.size - b.size });
  }
  rows.sort((x, y) => y.bytes - x.bytes);
  const total = rows.reduce((s, r) => s + r.bytes, 0);
  return { totalKB: total / 1024, perFollowerB: total / n, top: rows.slice(0, 25) };
}
