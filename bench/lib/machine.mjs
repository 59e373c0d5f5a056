/** What the numbers were measured on: CPU, memory, load, and the runtime's and the peers' versions. */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { availableParallelism, loadavg, totalmem } from "node:os";
import { promisify } from "node:util";

const run = promisify(execFile);

async function version(command, args) {
  try {
    const { stdout } = await run(command, args);
    return stdout.trim().split("\n").pop();
  } catch {
    return "unknown";
  }
}

/** The installed version of an npm package, from its own package.json. */
async function installed(name) {
  const text = await readFile(new URL(`../../node_modules/${name}/package.json`, import.meta.url), "utf8").catch(
    () => "",
  );
  return text ? JSON.parse(text).version : "not installed";
}

/** The packages (and the redis server) the baselines and peers run on, as installed. */
export const PEER_PACKAGES = ["resumable-stream", "redis", "agents", "@cloudflare/ai-chat", "ai", "miniflare"];

/** Each of PEER_PACKAGES' installed version, and redis-server's ("unknown" when it is missing). */
export async function peerVersions() {
  const versions = {};
  for (const name of PEER_PACKAGES) versions[name] = await installed(name);
  const redis = await version("redis-server", ["--version"]);
  versions["redis-server"] = /v=(\S+)/.exec(redis)?.[1] ?? redis;
  return versions;
}

export async function machineInfo() {
  const cpuinfo = await readFile("/proc/cpuinfo", "utf8").catch(() => "");
  return {
    cpus: availableParallelism(),
    cpuModel: /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? "unknown",
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    workerd: await version("npx", ["workerd", "--version"]),
    wrangler: await version("npx", ["wrangler", "--version"]),
    peers: await peerVersions(),
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}
