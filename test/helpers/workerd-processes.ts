/**
 * The workerd processes under a `wrangler dev` process, read from /proc (Linux): their resident
 * memory (what the soak reports as the runtime's RSS) and their open file descriptors.
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

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

function isWorkerd(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").includes("workerd");
  } catch {
    return false;
  }
}

/** The workerd processes below `pid` (wrangler dev runs two: its proxy and the user Worker's). */
export function workerdPids(pid: number): number[] {
  return descendants(pid).filter(isWorkerd);
}

function rssOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Summed VmRSS of every workerd process below `pid`, KiB. */
export function workerdRssKb(pid: number): number {
  return workerdPids(pid).reduce((sum, child) => sum + rssOf(child), 0);
}

/** Open file descriptors of process `pid` (0 once it is gone). */
export function fdCount(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0;
  }
}

/** TCP ports this host listens on, by socket inode (from /proc/net/tcp and tcp6, state 0A). */
function listeningSockets(): Map<string, number> {
  const ports = new Map<string, number>();
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] === "0A") ports.set(cols[9], Number.parseInt(cols[1].split(":")[1], 16));
    }
  }
  return ports;
}

/** The TCP ports process `pid` listens on. */
export function listeningPorts(pid: number): number[] {
  const sockets = listeningSockets();
  const ports: number[] = [];
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`, { encoding: "utf8" });
      const port = sockets.get(/^socket:\[(\d+)\]$/.exec(target)?.[1] ?? "");
      if (port !== undefined) ports.push(port);
    }
  } catch {
    // The process ended while we looked.
  }
  return ports;
}
