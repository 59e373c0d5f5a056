/**
 * A child process of the reader pool (reader-pool.mjs): told what to read, it reports "ready",
 * opens its share of the readers at "go", and sends back every reader's result and the CPU time
 * it used meanwhile, so the bench can tell whether its own client was the bottleneck.
 */
import { readSse } from "./sse-reader.mjs";
import { readWs } from "./ws-reader.mjs";

/** Readers opened per turn while connecting, so 1,000 connects do not all start in one tick. */
const OPEN_BATCH = 100;

const openOne = (job) =>
  job.kind === "ws" ? readWs(job.base, job.sessionId, job.afterId, job.options) : readSse(job.url, job.options);

// The bench went away: so does this process, whatever its readers are doing.
process.on("disconnect", () => process.exit());

process.on("message", async (message) => {
  if (message.type === "job") {
    process.send({ type: "ready" });
    return;
  }
  if (message.type !== "go") return;
  const job = message.job;
  const cpu = process.cpuUsage();
  const pending = [];
  for (let i = 0; i < job.count; i++) {
    pending.push(openOne(job));
    if ((i + 1) % OPEN_BATCH === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  const results = await Promise.all(pending);
  const used = process.cpuUsage(cpu);
  // Latencies travel as one typed array per reader (the channel uses structured clone).
  for (const r of results) if (r.latencies) r.latencies = Float64Array.from(r.latencies);
  for (const r of results) r.collected = undefined;
  process.send({ type: "done", results, cpuMs: (used.user + used.system) / 1000 });
});
