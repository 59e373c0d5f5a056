/**
 * A CPU profile of the Worker's isolate through workerd's own inspector (Miniflare's
 * `inspectorPort`), over the DevTools protocol, and its self time by function.
 */
import WebSocket from "ws";

/** Miniflare's name for the user Worker's isolate starts so. */
const USER_WORKER = "core:user:";
/** Microseconds between samples: fine enough for a 3 s run, light enough not to bury it. */
const SAMPLING_INTERVAL_US = 200;

/** Connects to the user Worker's isolate on `port`; `start()`, then `stop()` resolves to the profile. */
export async function openProfiler(port) {
  const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
  const target = targets.find((t) => t.id.startsWith(USER_WORKER));
  if (!target) throw new Error(`no ${USER_WORKER}* isolate on inspector port ${port}`);
  const ws = new WebSocket(target.webSocketDebuggerUrl, { maxPayload: 1 << 30 });
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  const pending = new Map();
  ws.on("message", (data) => {
    const reply = JSON.parse(String(data));
    if (reply.id === undefined) return;
    pending.get(reply.id)?.(reply);
    pending.delete(reply.id);
  });
  let nextId = 0;
  const send = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = ++nextId;
      pending.set(id, (reply) =>
        reply.error ? reject(new Error(`${method}: ${reply.error.message}`)) : resolve(reply.result),
      );
      ws.send(JSON.stringify({ id, method, params }));
    });
  return {
    async start() {
      await send("Profiler.enable");
      await send("Profiler.setSamplingInterval", { interval: SAMPLING_INTERVAL_US });
      await send("Profiler.start");
    },
    async stop() {
      const { profile } = await send("Profiler.stop");
      await send("Profiler.disable");
      return profile;
    },
    close: () => ws.close(),
  };
}

const place = (frame) => {
  const file = frame.url ? frame.url.split("/").pop() : "";
  return file ? `${frame.functionName || "(anonymous)"} ${file}:${frame.lineNumber + 1}` : frame.functionName;
};

/**
 * Self time by function (name, file and line), longest first, over the samples between `fromUs`
 * and `toUs` after the profile's start: `{ total, rows: [{ name, ms, share }] }`, `total` in µs
 * being that span and `share` each function's part of it ("(idle)" is the thread waiting for
 * I/O). A nameless native frame is named after its caller, so the runtime's work is placed.
 */
export function selfTimes(profile, fromUs = 0, toUs = Number.POSITIVE_INFINITY) {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n);
  const label = (node) => {
    const name = place(node.callFrame);
    if (name) return name;
    const up = parent.get(node.id);
    return `(native) in ${up ? label(up) : "?"}`;
  };
  const selfUs = new Map();
  let at = 0;
  let total = 0;
  profile.samples.forEach((nodeId, i) => {
    at += profile.timeDeltas[i] ?? 0;
    const us = profile.timeDeltas[i + 1] ?? 0;
    if (at < fromUs || at > toUs) return;
    total += us;
    const name = label(byNode.get(nodeId));
    selfUs.set(name, (selfUs.get(name) ?? 0) + us);
  });
  const rows = [...selfUs].map(([name, us]) => ({ name, ms: us / 1000, share: us / total }));
  return { total, rows: rows.sort((a, b) => b.ms - a.ms) };
}
