/**
 * CPU time of processes at nanosecond resolution, from each thread's /proc/<pid>/task/<tid>/schedstat
 * (time on CPU). One replay costs a few to a few tens of milliseconds, below the 10 ms ticks that
 * /proc/<pid>/stat counts (object-meters.mjs `cpuMsOf`), so per-replay CPU is read here.
 */
import { readdir, readFile } from "node:fs/promises";

/** CPU time all threads of `pids` have used so far, ms. A process that ended counts 0. */
export async function threadCpuMs(pids) {
  let ns = 0;
  for (const pid of pids) {
    const tasks = await readdir(`/proc/${pid}/task`).catch(() => []);
    for (const task of tasks) {
      const stat = await readFile(`/proc/${pid}/task/${task}/schedstat`, "utf8").catch(() => "0");
      ns += Number(stat.split(" ")[0]);
    }
  }
  return ns / 1e6;
}
