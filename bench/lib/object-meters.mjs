/** Reading the cost meter of the bench's Worker (src/bench/object-meter.ts) and workerd's CPU time. */
import { readFile } from "node:fs/promises";

/** The meters of a session's object and of the bench user's limits object. */
export async function readMeters(base, sessionId) {
  const res = await fetch(`${base}/_bench/meters?session=${encodeURIComponent(sessionId)}`);
  if (!res.ok) throw new Error(`meters ${res.status}: ${await res.text()}`);
  return res.json();
}

/** Sums numeric fields of meter readings (`byMethod` merged). */
export function sumMeters(readings) {
  const total = { byMethod: {} };
  for (const reading of readings) {
    for (const [key, value] of Object.entries(reading)) {
      if (typeof value === "number") total[key] = (total[key] ?? 0) + value;
    }
    for (const [method, n] of Object.entries(reading.byMethod ?? {})) {
      total.byMethod[method] = (total.byMethod[method] ?? 0) + n;
    }
  }
  return total;
}

/** `after - before` for every numeric field and method count. */
export function diffMeters(after, before) {
  const out = { byMethod: {} };
  for (const [key, value] of Object.entries(after))
    if (typeof value === "number") out[key] = value - (before[key] ?? 0);
  for (const [method, n] of Object.entries(after.byMethod ?? {})) {
    const d = n - (before.byMethod?.[method] ?? 0);
    if (d !== 0) out.byMethod[method] = d;
  }
  return out;
}

/** CPU time (user + system) the given processes used so far, ms (from /proc/<pid>/stat). */
export async function cpuMsOf(pids) {
  let ticks = 0;
  for (const pid of pids) {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    ticks += Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
  }
  return ticks * 10; // USER_HZ is 100 on Linux
}
