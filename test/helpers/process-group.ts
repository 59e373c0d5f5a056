/** Stopping a process the tests started detached (its own process group: wrangler and its workerd). */
import type { ChildProcess } from "node:child_process";

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** SIGTERM to `child`'s whole group, then SIGKILL if it has not exited within 10 s. */
export async function stopProcessGroup(child: ChildProcess | undefined): Promise<void> {
  if (child?.pid === undefined || child.exitCode !== null) return;
  const exited = new Promise((done) => child.once("exit", done));
  process.kill(-child.pid, "SIGTERM");
  await Promise.race([exited, sleep(10_000)]);
  if (child.exitCode === null) process.kill(-child.pid, "SIGKILL");
}
