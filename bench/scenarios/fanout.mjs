/**
 * Fan-out: one session streaming to 1, 10, 100 and 500 concurrent SSE readers on loopback, then
 * to 2,000 SSE readers and, separately, 2,000 WebSocket followers. Paced at 100 events/s: delivery
 * latency p50/p99 (append time to receipt). As fast as it can: events/s delivered in total. Every
 * follower must get every event, checked id by id. Followers run in a few child processes
 * (lib/reader-pool.mjs) and each row's note gives the bench client's own CPU use.
 */
import { pipeFanOut, sessionFanOut } from "../lib/fanout-runs.mjs";

export const READER_COUNTS = [1, 10, 100, 500];
/** The paced run: 300 events at 100 events/s, about 3 s. */
export const PACED = { events: 300, rate: 100 };
/** Events of the run at full speed, by reader count: 20,000 to 200,000 deliveries. */
export const FULL_SPEED_EVENTS = { 1: 20_000, 10: 5_000, 100: 1_000, 500: 400 };
/** Followers of the large paced rows (issue 16), over each transport. */
export const MANY_FOLLOWERS = 2_000;
/** Most ours may be slower than the pipe at full speed with 500 readers (issue 16). */
export const FULL_SPEED_TARGET = 4;

const clientNote = (r) => `${r.client.cores} cores in ${r.client.processes} process(es)`;

/** The 1-500 reader rows, as before, plus the full-speed target at 500. */
export async function byReaderCount(n, { real, naive, log }) {
  const full = { events: FULL_SPEED_EVENTS[n], rate: 0 };
  const result = {
    paced: {
      ours: await sessionFanOut(real, n, PACED),
      naive: await sessionFanOut(naive, n, PACED),
      pipe: await pipeFanOut(real, n, PACED),
    },
    full: {
      ours: await sessionFanOut(real, n, full),
      naive: await sessionFanOut(naive, n, full),
      pipe: await pipeFanOut(real, n, full),
    },
  };
  const { paced } = result;
  const allDelivered = Object.values(result).every((r) => r.ours.complete === n);
  const completeNote = (kind) =>
    ["ours", "pipe", "naive"].map((d) => `${d} ${result[kind][d].complete}/${n}`).join(", ");
  log(
    `fan-out ${n}: p99 ours ${paced.ours.p99?.toFixed(1)} ms; complete ${completeNote("paced")}; full speed ${completeNote("full")}`,
  );
  const scenario = `3 fan-out ${n}`;
  const pick = (kind, key) => ({
    ours: result[kind].ours[key],
    pipe: result[kind].pipe[key],
    naive: result[kind].naive[key],
  });
  const fullRatio = result.full.pipe.perSecond / result.full.ours.perSecond;
  const rows = [
    { scenario, metric: `p50 latency @${PACED.rate}/s`, unit: "ms", ...pick("paced", "p50") },
    {
      scenario,
      metric: `p99 latency @${PACED.rate}/s`,
      unit: "ms",
      ...pick("paced", "p99"),
      target: n === 500 ? "<250 ms, all delivered" : undefined,
      pass: n === 500 ? paced.ours.p99 < 250 && allDelivered : undefined,
      note: `readers with every event: paced ${completeNote("paced")}; full speed ${completeNote("full")}`,
    },
    {
      scenario,
      metric: "delivered, full speed",
      unit: "events/s",
      better: "higher",
      ...pick("full", "perSecond"),
      target:
        n === 500 ? `every reader every event, within ${FULL_SPEED_TARGET}x the pipe` : "every reader every event",
      pass: allDelivered && (n !== 500 || fullRatio <= FULL_SPEED_TARGET),
      note: `bench client CPU: ours ${clientNote(result.full.ours)}, pipe ${clientNote(result.full.pipe)}`,
    },
  ];
  return { result, rows };
}

/** 2,000 SSE readers and, separately, 2,000 WebSocket followers, paced; the pipe is SSE. */
export async function manyFollowers({ real, log }) {
  const n = MANY_FOLLOWERS;
  const result = {
    sse: await sessionFanOut(real, n, PACED, "sse"),
    ws: await sessionFanOut(real, n, PACED, "ws"),
    pipe: await pipeFanOut(real, n, PACED),
  };
  const rows = [];
  for (const transport of ["sse", "ws"]) {
    const ours = result[transport];
    const label = transport === "sse" ? "SSE readers" : "WebSocket followers";
    log(
      `fan-out ${n} ${transport}: p99 ${ours.p99?.toFixed(1)} ms, ${ours.complete}/${n} complete, errors ${ours.errors.join("; ")}`,
    );
    const scenario = `3 fan-out ${n.toLocaleString("en-US")} ${label}`;
    rows.push({ scenario, metric: `p50 latency @${PACED.rate}/s`, unit: "ms", ours: ours.p50, pipe: result.pipe.p50 });
    rows.push({
      scenario,
      metric: `p99 latency @${PACED.rate}/s`,
      unit: "ms",
      ours: ours.p99,
      pipe: result.pipe.p99,
      target: "<250 ms, every follower every event",
      pass: ours.p99 < 250 && ours.complete === n,
      note: `followers with every event: ours ${ours.complete}/${n}, pipe (SSE) ${result.pipe.complete}/${n}; bench client CPU: ours ${clientNote(ours)}, pipe ${clientNote(result.pipe)}`,
    });
  }
  return { result, rows };
}

export async function run(context) {
  const rows = [];
  const raw = {};
  for (const n of READER_COUNTS) {
    const { result, rows: more } = await byReaderCount(n, context);
    raw[n] = result;
    rows.push(...more);
  }
  const many = await manyFollowers(context);
  raw[MANY_FOLLOWERS] = many.result;
  rows.push(...many.rows);
  return { raw, rows };
}
