/**
 * Reads the Worker's JavaScript heap through `wrangler dev`'s DevTools inspector: what a leak in
 * the service's own code would grow. (workerd's resident memory is no such measure: V8 and the
 * allocator keep freed pages, so RSS after load stays near its peak with nothing leaked.)
 */
import { WebSocket } from "undici";

/** Longest the inspector may take to answer one command, ms (a heap snapshot of a busy Worker). */
const COMMAND_TIMEOUT_MS = 60_000;

export interface HeapInspector {
  /**
   * The Worker isolate's used JS heap, in bytes, right after a full garbage collection. workerd's
   * inspector does not answer `HeapProfiler.collectGarbage`, so this takes a heap snapshot (which
   * collects garbage first) and throws the snapshot away.
   */
  heapUsedAfterGc(): Promise<number>;
  close(): void;
}

/**
 * Connects once and keeps the connection: under load, wrangler's inspector proxy was seen to
 * leave a second connection unanswered for over a minute.
 */
export async function openHeapInspector(inspectorPort: number): Promise<HeapInspector> {
  // The inspector proxy of `wrangler dev` refuses a connection without an Origin.
  const ws = new WebSocket(`ws://127.0.0.1:${inspectorPort}/ws`, { headers: { Origin: "http://127.0.0.1" } });
  const answers = new Map<number, (result: Record<string, unknown>) => void>();
  ws.onmessage = (message) => {
    const parsed = JSON.parse(String(message.data)) as { id?: number; result?: Record<string, unknown> };
    if (parsed.id === undefined) return; // snapshot chunks and other notifications
    answers.get(parsed.id)?.(parsed.result ?? {});
    answers.delete(parsed.id);
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("inspector: no connection")), COMMAND_TIMEOUT_MS);
    ws.onopen = () => {
      clearTimeout(timer);
      resolve();
    };
    ws.onerror = () => reject(new Error(`inspector on port ${inspectorPort} refused the connection`));
  });
  let nextId = 0;
  const send = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const id = ++nextId;
      const timer = setTimeout(() => reject(new Error(`inspector: no answer to ${method}`)), COMMAND_TIMEOUT_MS);
      answers.set(id, (result) => {
        clearTimeout(timer);
        resolve(result);
      });
      ws.send(JSON.stringify({ id, method, params }));
    });
  return {
    async heapUsedAfterGc() {
      await send("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
      const usage = await send("Runtime.getHeapUsage");
      // A snapshot leaves V8 tracking object ids, which slowed the soak's traffic by half.
      await send("HeapProfiler.disable");
      return Number(usage.usedSize);
    },
    close: () => ws.close(),
  };
}
