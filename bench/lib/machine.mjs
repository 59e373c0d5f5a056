/** What the numbers were measured on: CPU, memory, load, and the runtime versions. */
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

export async function machineInfo() {
  const cpuinfo = await readFile("/proc/cpuinfo", "utf8").catch(() => "");
  return {
    cpus: availableParallelism(),
    cpuModel: /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? "unknown",
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    workerd: await version("npx", ["workerd", "--version"]),
    wrangler: await version("npx", ["wrangler", "--version"]),
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}
