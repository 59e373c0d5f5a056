/**
 * Reads the Worker's JavaScript heap through the DevTools inspector of the workerd process that
 * runs it: what a leak in the service's own code would grow. (workerd's resident memory is no
 * such measure: V8 and the allocator keep freed pages, so RSS after load stays near its peak with
 * nothing leaked.)
 *
 * It connects to workerd's own inspector, not to the one `wrangler dev` offers on
 * `--inspector-port`: wrangler's inspector proxy (its InspectorProxyWorker, in the proxy's
 * workerd) sends every message it relays to wrangler's Node process as a separate HTTP request
 * (a "debug-log"), so the ~100 chunks of one heap snapshot opened hundreds to thousands of
 * connections at once there, took seconds, and with a larger heap ran the process out of
 * descriptors (docs/reliability.md).
 */
import { WebSocket } from "undici";
import type { DevServer } from "./dev-server";
import { listeningPorts } from "./workerd-processes";

/** Longest the inspector may take to answer one command, ms (a heap snapshot of a busy Worker). */
const COMMAND_TIMEOUT_MS = 60_000;
/** Longest a port may take to answer the inspector's target list, ms. */
const LIST_TIMEOUT_MS = 2000;
/** Miniflare's name for the user Worker's isolate starts so. */
const USER_WORKER = "core:user:";

export interface HeapInspector {
  /**
   * The Worker isolate's used JS heap, in bytes, right after a full garbage collection. workerd's
   * inspector does not answer `HeapProfiler.collectGarbage`, so this takes a heap snapshot (which
   * collects garbage first) and throws the snapshot away.
   */
  heapUsedAfterGc(): Promise<number>;
  close(): void;
}

/** The DevTools URL of the user Worker in the workerd process that runs it (not wrangler's proxy). */
export async function runtimeInspectorUrl(server: Pick<DevServer, "workerdPids" | "port">): Promise<string> {
  const runtimes = server.workerdPids().filter((pid) => !listeningPorts(pid).includes(server.port));
  for (const pid of runtimes) {
    for (const port of listeningPorts(pid)) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/json/list`, { signal: AbortSignal.timeout(LIST_TIMEOUT_MS) });
        const targets = (await res.json()) as { id: string; webSocketDebuggerUrl: string }[];
        const target = Array.isArray(targets) ? targets.find((t) => t.id.startsWith(USER_WORKER)) : undefined;
        if (target) return target.webSocketDebuggerUrl;
      } catch {
        // Not the inspector (the Worker's own socket, the debug port).
      }
    }
  }
  throw new Error(
    `no workerd inspector lists a ${USER_WORKER}* isolate (workerd processes: ${server.workerdPids().join(", ")})`,
  );
}

/** An answer of the inspector to one command. */
interface Reply {
  result?: Record<string, unknown>;
  error?: { message: string };
}

/** One inspector connection: commands, and why it closed once it did. */
interface Connection {
  send(method: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>;
  closed(): string | undefined;
  close(): void;
}

/** Error text of a command that failed because its connection closed (worth a new connection). */
const CLOSED = "the inspector connection closed";

async function connect(url: string): Promise<Connection> {
  const ws = new WebSocket(url);
  const pending = new Map<number, (reply: Reply) => void>();
  let closed: string | undefined;
  ws.onmessage = (message) => {
    const reply = JSON.parse(String(message.data)) as Reply & { id?: number };
    if (reply.id === undefined) return; // snapshot chunks and other notifications
    pending.get(reply.id)?.(reply);
    pending.delete(reply.id);
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`inspector ${url}: no connection in ${COMMAND_TIMEOUT_MS} ms`)),
      COMMAND_TIMEOUT_MS,
    );
    ws.onopen = () => {
      clearTimeout(timer);
      resolve();
    };
    ws.onerror = () => reject(new Error(`inspector ${url} refused the connection`));
  });
  // A command in flight when the connection goes fails at once, saying so, instead of timing out.
  ws.onclose = (event) => {
    closed = `${CLOSED} (code ${event.code}${event.reason ? `, ${event.reason}` : ""})`;
    for (const settle of pending.values()) settle({ error: { message: closed } });
    pending.clear();
  };
  let nextId = 0;
  const send = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      if (closed) return reject(new Error(`inspector: ${method} not sent: ${closed}`));
      const id = ++nextId;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`inspector: no answer to ${method} in ${COMMAND_TIMEOUT_MS} ms`));
      }, COMMAND_TIMEOUT_MS);
      pending.set(id, (reply) => {
        clearTimeout(timer);
        if (reply.error) reject(new Error(`inspector: ${method} failed: ${reply.error.message}`));
        else resolve(reply.result ?? {});
      });
      ws.send(JSON.stringify({ id, method, params }));
    });
  return { send, closed: () => closed, close: () => ws.close() };
}

/** Connections one reading may use: workerd can close a new session once, when wrangler's attaches again. */
const CONNECTS_PER_READING = 3;

/**
 * Connects to the user Worker's isolate and keeps the connection for every reading. A reading
 * whose connection closes under it is taken again on a new one (workerd's inspector was seen to
 * close a fresh session once, with 1000 "client closed connection").
 */
export async function openHeapInspector(server: Pick<DevServer, "workerdPids" | "port">): Promise<HeapInspector> {
  const url = await runtimeInspectorUrl(server);
  let connection = await connect(url);
  const reading = async () => {
    await connection.send("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
    const usage = await connection.send("Runtime.getHeapUsage");
    // A snapshot leaves V8 tracking object ids, which slowed the soak's traffic by half.
    await connection.send("HeapProfiler.disable");
    return Number(usage.usedSize);
  };
  return {
    async heapUsedAfterGc() {
      for (let attempt = 1; ; attempt++) {
        if (connection.closed()) connection = await connect(url);
        try {
          return await reading();
        } catch (error) {
          if (!String(error).includes(CLOSED) || attempt >= CONNECTS_PER_READING) throw error;
        }
      }
    },
    close: () => connection.close(),
  };
}
