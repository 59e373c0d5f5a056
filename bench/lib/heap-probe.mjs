/**
 * Reads the Worker isolate's JS heap through workerd's inspector (Chrome DevTools protocol):
 * `Runtime.getHeapUsage` sampled while a run goes on. RSS follows what V8 reserves for its old
 * generation, which grows in steps of several MB; the heap V8 uses moves by the byte, so a change
 * in the garbage a run leaves behind shows here when RSS lands on the same step (docs/performance.md).
 */
import { WebSocket } from "undici";

const MB = 2 ** 20;
/** How often the heap is read while sampling, ms. */
export const HEAP_SAMPLE_MS = 100;

/** Connects to the isolate of the Worker named `name` on `server` (started with `inspectorPort`). */
export async function heapProbe(server, name = "edge-stream") {
  const base = await server.inspectorUrl();
  const targets = await (await fetch(`http://${base.host}/json/list`)).json();
  const target = targets.find((t) => t.id?.endsWith(`:${name}`) || t.title?.includes(name)) ?? targets[0];
  if (!target) throw new Error("heap probe: the inspector lists no Worker");
  const socket = new WebSocket(target.webSocketDebuggerUrl ?? `${base.origin}/${target.id}`);
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve, { once: true });
    socket.addEventListener("error", () => reject(new Error("heap probe: cannot reach the inspector")), { once: true });
  });
  let nextId = 1;
  const waiting = new Map();
  socket.addEventListener("message", (message) => {
    const reply = JSON.parse(String(message.data));
    const pending = waiting.get(reply.id);
    if (!pending) return;
    waiting.delete(reply.id);
    if (reply.error) pending.reject(new Error(`heap probe: ${reply.error.message}`));
    else pending.resolve(reply.result);
  });
  const call = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      socket.send(JSON.stringify({ id, method, params }));
    });
  /** Heap used and reserved now, MB. */
  const usage = async () => {
    const { usedSize, totalSize } = await call("Runtime.getHeapUsage");
    return { usedMB: usedSize / MB, totalMB: totalSize / MB };
  };
  return {
    /** Sends one inspector command; resolves with its result. */
    call,
    usage,
    /** Samples the heap every HEAP_SAMPLE_MS until `stop()`; `stop()` returns the figures. */
    sample() {
      const before = usage();
      let peakUsed = 0;
      let peakTotal = 0;
      let running = true;
      const loop = (async () => {
        while (running) {
          const now = await usage();
          peakUsed = Math.max(peakUsed, now.usedMB);
          peakTotal = Math.max(peakTotal, now.totalMB);
          await new Promise((resolve) => setTimeout(resolve, HEAP_SAMPLE_MS));
        }
      })();
      return async () => {
        running = false;
        await loop;
        const start = await before;
        return {
          usedBeforeMB: start.usedMB,
          totalBeforeMB: start.totalMB,
          peakUsedMB: peakUsed,
          peakTotalMB: peakTotal,
        };
      };
    },
    close: () => socket.close(),
  };
}
