/**
 * Every target the bench answers for issues 11 and 16 (and issue 7's, which issue 11 asks the
 * bench to keep meeting), in one place: what the issue asks, and the table row (scenario and
 * metric, matched by their start) that answers it. `node bench/summarize.mjs` lists each with its
 * figures across runs and "met n/N"; a target whose row is missing from the runs says so. A
 * row's own `target` and `pass` (set by its scenario) stay the judgement; this list only gathers.
 */
export const TARGETS = [
  {
    issues: "7, 16",
    asks: "replay of 10,000 events within 1.5x of the pipe (issue 7: 2x), < 100 ms, in 3 of 3 runs",
    scenario: "1 replay 10k",
    metric: "wall time, warm, pages kept",
  },
  {
    issues: "7, 11",
    asks: "live: >= 50,000 events/s to one reader",
    scenario: "2 live 1 reader",
    metric: "throughput",
  },
  { issues: "7, 11", asks: "live: coalescing adds <= 10 ms p50", scenario: "2 live 1 reader", metric: "p50 latency" },
  {
    issues: "7, 11",
    asks: "fan-out 500: every reader every event, p99 < 250 ms at 100 events/s",
    scenario: "3 fan-out 500",
    metric: "p99 latency",
  },
  {
    issues: "16",
    asks: "fan-out at full speed, 500 readers: within 4x of the pipe",
    scenario: "3 fan-out 500",
    metric: "delivered, full speed",
  },
  {
    issues: "16",
    asks: "2,000 SSE readers: every follower every event, p99 < 250 ms at 100 events/s",
    scenario: "3 fan-out 2,000 SSE readers",
    metric: "p99 latency",
  },
  {
    issues: "16",
    asks: "2,000 WebSocket followers: every follower every event, p99 < 250 ms at 100 events/s",
    scenario: "3 fan-out 2,000 WebSocket followers",
    metric: "p99 latency",
  },
  {
    issues: "16",
    asks: "200 sessions at once: every reader every event; aggregate events/s against the pipe's",
    scenario: "8 sessions 200",
    metric: "aggregate delivered",
  },
  {
    issues: "16",
    asks: "200 sessions at once: p99 time to first event against the pipe's",
    scenario: "8 sessions 200",
    metric: "time to first event, p99",
  },
  { issues: "7, 11", asks: "rows per 1,000-token answer <= 60", scenario: "5 rows/answer", metric: "llm_chunk rows" },
  {
    issues: "7, 11",
    asks: "memory flat with a slow SSE reader: growth < 20 MB over a 100,000-event run",
    scenario: "6 memory",
    metric: "RSS growth, 100k-event run, slow reader",
  },
  {
    issues: "11, 16",
    asks: "a WebSocket that stops reading: growth < 20 MB over a 100,000-event run",
    scenario: "6 memory",
    metric: "RSS growth, 100k-event run, WebSocket reading nothing",
  },
  {
    issues: "16",
    asks: "resume of a 1,000-token answer mid-run (AI SDK routes): the compact replay's chunks and bytes beside a token-by-token replay and resumable-stream's",
    scenario: "9 ai-resume",
    metric: "replay",
  },
  {
    issues: "16",
    asks: "Agents SDK: resume of a 10,000-chunk response from the start, time to the last chunk (ours over SSE and over WebSocket)",
    scenario: "agents",
    metric: "resume 10k chunks from the start",
  },
  { issues: "16", asks: "Agents SDK: the same resume, bytes", scenario: "agents", metric: "resume 10k chunks: bytes" },
  {
    issues: "16",
    asks: "Agents SDK: storage rows written for a 1,000-token answer at the same pace",
    scenario: "agents",
    metric: "storage rows written",
  },
  {
    issues: "16",
    asks: "Agents SDK: workerd killed and restarted mid-response: events resumed, duplicated, lost",
    scenario: "agents",
    metric: "workerd killed",
  },
  { issues: "16", asks: "Agents SDK: memory of 500 idle followers", scenario: "agents", metric: "RSS growth" },
  {
    issues: "16",
    asks: "what 1,000 Nova3 runs cost: rows written, beside naive and the Agents SDK's row pattern",
    scenario: "8 cost, 1,000 Nova3 runs",
    metric: "rows written",
  },
  {
    issues: "16",
    asks: "what 1,000 Nova3 runs cost, in USD",
    scenario: "8 cost, 1,000 Nova3 runs",
    metric: "USD",
  },
  {
    issues: "16",
    asks: "idle WebSocket followers hibernating: no requests, rows or active time while idle",
    scenario: "8 cost,",
    metric: "requests, WebSocket messages",
  },
  {
    issues: "16",
    asks: "relay prototype: one session feeding 4 relays of 500 followers, every follower every event",
    scenario: "relay 4x500",
    metric: "p99 latency @100/s, through relays",
  },
  {
    issues: "16",
    asks: "relay prototype: followers resume across a relay restart",
    scenario: "relay restart",
    metric: "followers whole",
  },
];

/** True when table row `row` answers target `t` (a target may have several rows: SSE and WebSocket, say). */
export const answers = (t, row) => row.scenario.startsWith(t.scenario) && row.metric.startsWith(t.metric);
