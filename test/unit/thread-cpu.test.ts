/**
 * The replay bench reads workerd's CPU time per replay from each thread's schedstat
 * (bench/lib/thread-cpu.mjs): a few milliseconds, below /proc/<pid>/stat's 10 ms ticks.
 */
import { describe, expect, it } from "vitest";
// @ts-expect-error: plain ESM module of the bench, without types
import { threadCpuMs } from "../../bench/lib/thread-cpu.mjs";

const cpuOf = threadCpuMs as (pids: number[]) => Promise<number>;

/** Keeps this thread on the CPU for about `ms` of wall time. */
function spin(ms: number): number {
  const end = performance.now() + ms;
  let n = 0;
  while (performance.now() < end) n++;
  return n;
}

describe("threadCpuMs", () => {
  it("counts this process's CPU time with sub-tick resolution", async () => {
    const before = await cpuOf([process.pid]);
    spin(40);
    const used = (await cpuOf([process.pid])) - before;
    // At least most of the 40 ms spun (the machine may be shared), and not whole 10 ms ticks.
    expect(used).toBeGreaterThan(15);
    expect(used).toBeLessThan(2_000);
    expect(Number.isInteger(used / 10)).toBe(false);
  });

  it("counts a process that is not there as 0", async () => {
    expect(await cpuOf([2 ** 22 + 12345])).toBe(0);
  });
});
