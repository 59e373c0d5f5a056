/**
 * What a run costs (docs/cost.md). A sample of real Nova3 runs at the default settings (demo model,
 * 25 ms a token, 60 tokens an answer, chunk merging on), each read by one reader (the POST's own
 * stream, checked id by id), on an instance whose objects count their requests, SQLite rows (workerd's
 * cursor counters), alarms, active time and database size (src/bench/object-meter.ts); workerd's CPU
 * time is read from /proc. The same runs on the naive design (one event per token, one write per
 * event), and their token-by-token events stored with the Agents SDK's row pattern. Then idle
 * WebSocket followers left to hibernate (bench/lib/idle-followers.mjs). Figures are per run and
 * extrapolated to 1,000 runs, then priced (bench/lib/prices.mjs).
 */
import { idleFollowers } from "../lib/idle-followers.mjs";
import { cpuMsOf, diffMeters, readMeters, sumMeters } from "../lib/object-meters.mjs";
import { PRICE_SOURCES, PRICES, PRICES_READ_ON, price } from "../lib/prices.mjs";
import { readSse } from "../lib/sse-reader.mjs";

/** Runs measured on each design, and how many run at once. */
const SAMPLE = { ours: 12, naive: 6, concurrency: 3 };
/** What the figures are extrapolated to. */
const RUNS = 1_000;
const MESSAGE = "A launch post for a solar-powered hiking backpack";
const METER = { BENCH_METER: "on" };
/** The naive design (bench/lib/instances.mjs): no chunk merging, one storage write per event. */
const NAIVE = {
  ...METER,
  CHUNK_WINDOW_MS: "0",
  WRITE_BATCH_MS: "0",
  WRITE_BATCH_MAX_EVENTS: "1",
  REPLAY_PAGE_ROWS: "1",
};

/** One Nova3 run read to its end by the POST's own stream; every id checked. */
async function nova3Run(server) {
  const r = await readSse(`${server.url}/novachat`, {
    method: "POST",
    body: { message: MESSAGE },
    collect: true,
    timeoutMs: 180_000,
  });
  const ids = r.collected?.map((e) => e.id) ?? [];
  const inOrder = ids.every((id, i) => id === i + 1);
  if (r.status !== 200 || !r.terminal || !inOrder) {
    throw new Error(`nova3 run incomplete: HTTP ${r.status}, ${ids.length} events, in order ${inOrder}`);
  }
  return { sessionId: r.headers["x-session-id"], events: r.collected, seconds: (r.endedAt - r.startedAt) / 1000 };
}

/** `n` runs, `concurrency` at a time, then every session object's meter and the limits object's. */
async function sample(server, n, concurrency) {
  const cpuBefore = await cpuMsOf(server.pids);
  const limitsBefore = (await readMeters(server.url, "cost-probe")).limits;
  const runs = [];
  for (let i = 0; i < n; i += concurrency) {
    const wave = Math.min(concurrency, n - i);
    runs.push(...(await Promise.all(Array.from({ length: wave }, () => nova3Run(server)))));
  }
  const cpuMs = (await cpuMsOf(server.pids)) - cpuBefore;
  const readings = [];
  for (const run of runs) readings.push(await readMeters(server.url, run.sessionId));
  const sessions = sumMeters(readings.map((r) => r.session));
  const limitsAfter = readings.at(-1).limits;
  const limits = diffMeters(limitsAfter, limitsBefore);
  return { runs, sessions, limits, cpuMs };
}

/** Per-run figures of a sample, and their price for RUNS runs. */
function perRun(s, sessionTtlHours) {
  const n = s.runs.length;
  const per = (x) => x / n;
  const figures = {
    events: per(s.runs.reduce((a, r) => a + r.events.length, 0)),
    seconds: per(s.runs.reduce((a, r) => a + r.seconds, 0)),
    workerRequests: 1,
    workerCpuMs: per(s.cpuMs),
    objectRequests: per(s.sessions.requests + s.limits.requests),
    sessionRequests: per(s.sessions.requests),
    limitsRequests: per(s.limits.requests),
    webSocketMessages: per(s.sessions.webSocketMessages + s.limits.webSocketMessages),
    rowsWritten: per(s.sessions.rowsWritten + s.limits.rowsWritten),
    rowsRead: per(s.sessions.rowsRead + s.limits.rowsRead),
    sessionRowsWritten: per(s.sessions.rowsWritten),
    alarmsSet: per(s.sessions.alarmsSet + s.limits.alarmsSet),
    activeSeconds: per(s.sessions.activeMs + s.limits.activeMs) / 1000,
    databaseBytes: per(s.sessions.databaseBytes),
    byMethod: Object.fromEntries(Object.entries(s.sessions.byMethod).map(([m, v]) => [m, per(v)])),
    limitsByMethod: Object.fromEntries(Object.entries(s.limits.byMethod).map(([m, v]) => [m, per(v)])),
  };
  // A session's log is kept until its TTL after the last activity: stored GB-months for RUNS runs.
  const storedGbMonth = (figures.databaseBytes * RUNS * sessionTtlHours) / (1e9 * 24 * 30);
  const scaled = Object.fromEntries(
    [
      "workerRequests",
      "workerCpuMs",
      "objectRequests",
      "webSocketMessages",
      "activeSeconds",
      "rowsRead",
      "rowsWritten",
    ].map((k) => [k, figures[k] * RUNS]),
  );
  return { figures, usage: { ...scaled, storedGbMonth }, usd: price({ ...scaled, storedGbMonth }) };
}

/** The Agents SDK's rows for the naive sample's answers: every token-by-token event as one chunk. */
async function agentsRows(server, runs) {
  const costs = [];
  for (const run of runs) {
    // Their rows depend on chunk sizes, not contents: the sizes of the run's events.
    const chunk_chars = run.events.map((e) => JSON.stringify(e).length);
    const answer_chars = run.events.reduce(
      (a, e) => a + (e.event_type === "llm_chunk" ? e.payload.content.length : 0),
      0,
    );
    const res = await fetch(`${server.url}/_bench/agents-rows`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ chunk_chars, answer_chars }),
    });
    if (!res.ok) throw new Error(`agents-rows ${res.status}: ${await res.text()}`);
    costs.push(await res.json());
  }
  const per = (k) => costs.reduce((a, c) => a + c[k], 0) / costs.length;
  return {
    chunks: per("chunks"),
    statements: per("statements"),
    rowsWritten: per("rowsWritten"),
    bytes: per("databaseBytesAdded"),
  };
}

export async function run({ start, log }) {
  const ttlHours = 1; // SESSION_TTL_SECONDS default (src/config/settings.ts)
  const ours = await start("cost", METER);
  let o;
  let idle;
  try {
    o = await sample(ours, SAMPLE.ours, SAMPLE.concurrency);
    idle = await idleFollowers(ours, log);
  } finally {
    await ours.stop();
  }
  const naiveServer = await start("cost-naive", NAIVE);
  let n;
  let agents;
  try {
    n = await sample(naiveServer, SAMPLE.naive, SAMPLE.concurrency);
    agents = await agentsRows(naiveServer, n.runs);
  } finally {
    await naiveServer.stop();
  }
  const oursRun = perRun(o, ttlHours);
  const naiveRun = perRun(n, ttlHours);
  // The Agents SDK's pattern: only its stream rows are measured (their schema, on this runtime).
  const agentsRun = { figures: agents, usage: { rowsWritten: agents.rowsWritten * RUNS } };
  log(
    `cost: per run ours ${oursRun.figures.rowsWritten.toFixed(0)} rows written, naive ${naiveRun.figures.rowsWritten.toFixed(0)}, agents pattern ${agents.rowsWritten.toFixed(0)}; 1,000 runs ours $${oursRun.usd.total.toFixed(4)}, naive $${naiveRun.usd.total.toFixed(4)}`,
  );
  const scenario = "8 cost, 1,000 Nova3 runs";
  const row = (metric, key, unit) => ({
    scenario,
    metric,
    unit,
    ours: oursRun.usage[key],
    naive: naiveRun.usage[key],
  });
  return {
    raw: {
      prices: { readOn: PRICES_READ_ON, sources: PRICE_SOURCES, usdPerUnit: PRICES },
      sample: SAMPLE,
      instances: { ours: METER, naive: NAIVE },
      ours: oursRun,
      naive: naiveRun,
      agents: agentsRun,
      idle,
    },
    rows: [
      {
        ...row("rows written", "rowsWritten"),
        agents: agentsRun.usage.rowsWritten,
        note: "Agents SDK = the Agents SDK's stream rows alone (ten chunks a row, their schema) for the naive run's token-by-token chunks",
      },
      row("rows read", "rowsRead"),
      row("Durable Object requests", "objectRequests"),
      row("object active time (s)", "activeSeconds"),
      row("workerd CPU, upper bound for Worker CPU (ms)", "workerCpuMs"),
      {
        scenario,
        metric: "USD at Workers Paid marginal prices",
        ours: oursRun.usd.total,
        naive: naiveRun.usd.total,
        note: `measured on ${SAMPLE.ours} (naive ${SAMPLE.naive}) runs and multiplied to ${RUNS}; prices of ${PRICES_READ_ON}`,
      },
      ...idle.rows,
    ],
  };
}
