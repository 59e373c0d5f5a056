/**
 * Resume of a 10,000-chunk response from its start. Theirs: the SDK replays an active stream's
 * stored chunks to a socket that acknowledges its `resuming` offer, so the answer is held open
 * after its last chunk (as `resumable-stream` is in the peer scenario) and each trial is a new
 * socket reading the replay to the last chunk. Ours: the same count of events of the same content
 * size, replayed from id 0 over SSE and over our WebSocket.
 */
import { chatRequest, chatUrl, followChat } from "../agents-peer/chat-client.mjs";
import { checkWhole } from "./agents-peer.mjs";
import { startSynthetic, waitIdle } from "./api.mjs";
import { readSse } from "./sse-reader.mjs";
import { median } from "./stats.mjs";
import { followSocket } from "./ws-follower.mjs";

export const RESUME_CHUNKS = 10_000;
/** Characters of content per chunk: theirs `c<i> ` averages 5.9 for i < 10,000. */
const CONTENT_CHARS = 6;
/** How long their answer stays open after its last chunk: longer than all the trials. */
const HOLD_MS = 600_000;

async function theirsTrial(url) {
  const r = checkWhole(await followChat(url, { until: (s) => s.next >= RESUME_CHUNKS }), RESUME_CHUNKS, "their resume");
  if (!r.resumed || r.replayed !== RESUME_CHUNKS) throw new Error(`their resume replayed ${r.replayed}`);
  return { ms: r.lastChunkAt - r.startedAt, bytes: r.bytes };
}

async function sseTrial(url, expect) {
  const r = await readSse(url, { expect });
  if (!r.complete) throw new Error(`our SSE replay incomplete: ${JSON.stringify({ ...r, latencies: undefined })}`);
  return { ms: r.endedAt - r.startedAt, bytes: r.bytes };
}

async function wsTrial(base, sessionId, expect) {
  const r = await followSocket(base, sessionId, { expect }).arrived;
  if (!r.complete) throw new Error(`our WebSocket replay incomplete: ${JSON.stringify(r)}`);
  return { ms: r.lastAt - r.startedAt, bytes: r.bytes };
}

export async function resumeFigures({ real, peer, trials, log }) {
  const url = chatUrl(peer.url, "resume-10k");
  const live = await followChat(url, {
    request: chatRequest("resume-10k", { chunks: RESUME_CHUNKS, holdMs: HOLD_MS }),
    until: (s) => s.next >= RESUME_CHUNKS,
    timeoutMs: 300_000,
  });
  checkWhole(live, RESUME_CHUNKS, "their live answer");
  const ours = await startSynthetic(real.url, {
    events: RESUME_CHUNKS,
    burst: RESUME_CHUNKS,
    content_chars: CONTENT_CHARS,
  });
  await waitIdle(real.url, ours.session_id);
  const sseUrl = `${real.url}/sessions/${ours.session_id}/events`;
  const designs = {
    theirs: () => theirsTrial(url),
    oursSse: () => sseTrial(sseUrl, ours.expect),
    oursWs: () => wsTrial(real.url, ours.session_id, ours.expect),
  };
  const samples = { theirs: [], oursSse: [], oursWs: [] };
  for (const trial of Object.values(designs)) await trial(); // one untimed warm-up each
  for (let i = 0; i < trials; i++) {
    for (const [name, trial] of Object.entries(designs)) samples[name].push(await trial());
  }
  const ms = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v.map((s) => s.ms))]));
  const bytes = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, v[0].bytes]));
  log(
    `agents resume: theirs ${ms.theirs.toFixed(0)} ms, ours SSE ${ms.oursSse.toFixed(0)}, WS ${ms.oursWs.toFixed(0)}`,
  );
  return { ms, bytes, samples };
}
