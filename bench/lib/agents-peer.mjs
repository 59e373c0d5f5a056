/**
 * The Agents SDK peer (bench/agents-peer/) as the bench runs it: bundled by wrangler from its own
 * config and started by Miniflare on loopback like the service (./server.mjs), one workerd each.
 */
import { bundleWorker, startServer } from "./server.mjs";

const PEER = { entry: "bench/agents-peer/worker.ts", config: "bench/agents-peer/wrangler.toml" };

/** Bundles the peer once; `start()` then starts a fresh instance (own process, own storage). */
export async function agentsPeer() {
  const bundle = await bundleWorker(PEER);
  return { start: () => startServer(bundle.scriptPath, {}, { config: PEER.config, name: "agents-peer" }) };
}

/** Rows chat `name` on `server` has written since its object started, as the runtime counts them. */
export async function rowsWritten(server, name) {
  const res = await fetch(`${server.url}/agents/agents-peer/${encodeURIComponent(name)}/rows-written`);
  if (!res.ok) throw new Error(`rows-written of ${name}: ${res.status} ${await res.text()}`);
  return (await res.json()).rows_written;
}

/** Throws unless `result` (chat-client.mjs) got chunks 0..chunks-1 each once, in order. */
export function checkWhole(result, chunks, what) {
  const bad = result.error || result.lost || result.duplicates || result.wrong || result.next !== chunks;
  if (bad) throw new Error(`${what}: ${JSON.stringify(result)}`);
  return result;
}
