/**
 * Rows written per answer: a real Loomi turn (the concierge only: the message asks for nothing
 * to be written) with DEMO_TOKENS=1000 at the default settings (25 ms a token, CHUNK_WINDOW_MS
 * 30, CHUNK_MAX_MS 500), about 25 s. Each event is one row; the count is checked against the
 * object's own log head. The naive baseline is the same turn with merging off.
 */
import { snapshot } from "../lib/api.mjs";
import { readSse } from "../lib/sse-reader.mjs";
import { percentile } from "../lib/stats.mjs";

/** No handoff word (write, draft, compose, create, generate, rewrite): one agent answers. */
const MESSAGE = "Tell me about solar-powered hiking backpacks";
const AGENT = "loomi_concierge";
/** The demo model's tokens: a word and its trailing space (src/llm/demo-model.ts, tokenize). */
const TOKEN = /\S+\s*|\s+/g;

export async function answer(server) {
  const r = await readSse(`${server.url}/loomichat`, {
    method: "POST",
    body: { message: MESSAGE },
    collect: true,
    latency: true,
    timeoutMs: 180_000,
  });
  if (!r.complete || !r.terminal) throw new Error(`loomi answer incomplete: ${r.status} ${r.error ?? ""}`);
  const events = r.collected;
  const chunks = events.filter((e) => e.event_type === "llm_chunk" && e.agent_source === AGENT);
  const done = events.find((e) => e.event_type === "agent_complete" && e.agent_source === AGENT);
  const tokens = done.payload.text.match(TOKEN)?.length ?? 0;
  // The run is the session's first: its rows are ids 1..head of the object's own log.
  const sessionId = r.headers["x-session-id"];
  const head = (await snapshot(server.url, sessionId)).last_event_id;
  if (head !== events.length) throw new Error(`log head ${head} but ${events.length} events streamed`);
  return {
    sessionId,
    tokens,
    chunkRows: chunks.length,
    runRows: head,
    chunkRowsPer1000: (chunks.length * 1000) / tokens,
    mergeDelayP50: percentile(r.latencies, 50),
    mergeDelayP99: percentile(r.latencies, 99),
    seconds: (r.endedAt - r.startedAt) / 1000,
  };
}

export async function run({ defaults, start, log }) {
  const ours = await answer(defaults);
  const naive = await start("naive", { DEMO_TOKENS: "1000" });
  const theirs = await answer(naive).finally(() => naive.stop());
  log(
    `rows: ${ours.chunkRows} chunk rows for ${ours.tokens} tokens (${ours.chunkRowsPer1000.toFixed(1)} per 1,000), naive ${theirs.chunkRows}`,
  );
  return {
    raw: { ours, naive: theirs },
    rows: [
      {
        scenario: "5 rows/answer",
        metric: "llm_chunk rows per 1,000 tokens",
        ours: ours.chunkRowsPer1000,
        naive: theirs.chunkRowsPer1000,
        target: "<=60",
        pass: ours.chunkRowsPer1000 <= 60,
        note: `${ours.tokens}-token answer in ${ours.seconds.toFixed(1)} s: ${ours.chunkRows} chunk rows, ${ours.runRows} rows for the whole run; merging holds a chunk's first token p50 ${ours.mergeDelayP50?.toFixed(0)} ms, p99 ${ours.mergeDelayP99?.toFixed(0)} ms`,
      },
      { scenario: "5 rows/answer", metric: "rows of the whole run", ours: ours.runRows, naive: theirs.runRows },
    ],
  };
}
