/**
 * Resident memory of the workerd processes under a `wrangler dev` process, read from /proc (Linux):
 * what the soak reports as the runtime's RSS.
 */
import { readdirSync, readFileSync } from "node:fs";

function descendants(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) children.push(Number(entry), ...descendants(Number(entry)));
    } catch {
      // The process ended while we looked.
    }
  }
  return children;
}

function rssOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const name = /^Name:\s+(.*)$/m.exec(status)?.[1] ?? "";
    if (!name.includes("workerd")) return 0;
    return Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Summed VmRSS of every workerd process below `pid`, KiB. */
export function workerdRssKb(pid: number): number {
  return descendants(pid).reduce((sum, child) => sum + rssOf(child), 0);
}
