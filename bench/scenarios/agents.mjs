/**
 * The Cloudflare Agents SDK (`AIChatAgent`, bench/agents-peer/) as a peer on the same runtime,
 * each figure against ours in the same run (docs/performance.md, "Agents SDK peer"). In the
 * table their figure is in the `Agents SDK` column. Every follower is checked chunk by chunk or id by
 * id; a figure that cannot be compared fairly carries a note instead of a pass.
 */
import { chatRequest, chatUrl, followChat } from "../agents-peer/chat-client.mjs";
import { IDLE_FOLLOWERS, ourIdle, theirIdle } from "../lib/agents-memory.mjs";
import { agentsPeer, checkWhole, rowsWritten } from "../lib/agents-peer.mjs";
import { ourRestart, RESTART_TOKENS, theirRestart } from "../lib/agents-restart.mjs";
import { RESUME_CHUNKS, resumeFigures } from "../lib/agents-resume.mjs";
import { answer } from "./rows.mjs";

const ROWS_TOKENS = 1_000;
/** The service's default token pace (wrangler.toml DEMO_TOKEN_DELAY_MS). */
const PACE_MS = 25;

/**
 * Rows their object writes for one answer in a new chat: from the object's start (its tables
 * made on the first connection included) and for the turn alone.
 */
async function theirRows(server) {
  const name = "rows";
  const before = await rowsWritten(server, name);
  const request = chatRequest(name, { chunks: ROWS_TOKENS, paceMs: PACE_MS });
  checkWhole(await followChat(chatUrl(server.url, name), { request }), ROWS_TOKENS, "their 1,000-token answer");
  // The turn's last writes (the message, the stream's clean-up) follow its done frame.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const total = await rowsWritten(server, name);
  return { total, turn: total - before };
}

/** Rows our session object writes for one Loomi answer in a new session, from the object's start. */
async function ourRows(defaults) {
  const ours = await answer(defaults);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const res = await fetch(`${defaults.url}/_bench/sessions/${ours.sessionId}/rows-written`);
  if (!res.ok) throw new Error(`our rows-written: ${res.status} ${await res.text()}`);
  return { ...ours, rowsWritten: (await res.json()).rows_written };
}

const restartNote = (r) =>
  `${r.before} before the kill; after it ${r.resumed} resumed, ${r.duplicated} duplicated, ${r.lost} lost` +
  `${r.replayedAgain ? ` (+${r.replayedAgain} replayed again, dropped by seq)` : ""}` +
  `${r.persistedExact === undefined ? "" : `, stored answer ${r.persistedExact ? "exact" : "NOT exact"}`}` +
  `${r.interrupted ? `, ${r.interrupted} "interrupted" notice(s) (the agent restarts its text)` : ""}` +
  `, ${r.completed ? "completed" : "NOT completed"}${r.error ? ` (${r.error})` : ""}`;

export async function run({ real, defaults, start, trials, log }) {
  const peer = await agentsPeer();
  const server = await peer.start();
  let resume;
  let rows;
  try {
    resume = await resumeFigures({ real, peer: server, trials, log });
    const [theirs, ours] = await Promise.all([theirRows(server), ourRows(defaults)]);
    rows = { theirs: theirs.turn, theirsTotal: theirs.total, ours: ours.rowsWritten, oursLogRows: ours.runRows };
    rows.oursTokens = ours.tokens;
    log(`agents rows: theirs ${theirs.turn} (${theirs.total} from the object's start), ours ${ours.rowsWritten}`);
  } finally {
    await server.stop();
  }
  const restartServer = await peer.start();
  const theirKill = await theirRestart(restartServer).finally(() => restartServer.stop());
  const ourKill = await ourRestart(start);
  log(`agents restart: theirs ${restartNote(theirKill)}; ours ${restartNote(ourKill)}`);
  const idle = { theirs: await theirIdle(peer), ours: await ourIdle(start) };
  log(`agents idle: theirs +${idle.theirs.growthMB.toFixed(1)} MB, ours +${idle.ours.growthMB.toFixed(1)} MB`);

  const { ms, bytes } = resume;
  const scenario = "agents (Agents SDK peer)";
  return {
    raw: { resume, rows, restart: { theirs: theirKill, ours: ourKill }, idle },
    rows: [
      {
        scenario,
        metric: `resume ${RESUME_CHUNKS / 1000}k chunks from the start: to the last chunk, ours over SSE`,
        unit: "ms",
        ours: ms.oursSse,
        agents: ms.theirs,
        note: `theirs over their WebSocket resume protocol (an active stream's replay); median of ${trials}`,
      },
      {
        scenario,
        metric: `resume ${RESUME_CHUNKS / 1000}k chunks from the start: to the last chunk, ours over WebSocket`,
        unit: "ms",
        ours: ms.oursWs,
        agents: ms.theirs,
      },
      {
        scenario,
        metric: "resume 10k chunks: bytes, ours over SSE",
        unit: "B",
        ours: bytes.oursSse,
        agents: bytes.theirs,
      },
      {
        scenario,
        metric: "resume 10k chunks: bytes, ours over WebSocket",
        unit: "B",
        ours: bytes.oursWs,
        agents: bytes.theirs,
      },
      {
        scenario,
        metric: `storage rows written, ${ROWS_TOKENS}-token answer at ${PACE_MS} ms a token`,
        unit: "rows",
        ours: rows.ours,
        agents: rows.theirs,
        note: `counted by the runtime (SQL rowsWritten + KV keys): ours from its object's start (a new session; ${rows.oursTokens} tokens, ${rows.oursLogRows} log rows), theirs for the turn alone (${rows.theirsTotal} from its object's start)`,
      },
      {
        scenario,
        metric: `workerd killed mid-answer (${RESTART_TOKENS} tokens): events lost + duplicated`,
        ours: ourKill.lost + ourKill.duplicated,
        agents: theirKill.lost + theirKill.duplicated,
        pass: ourKill.completed && ourKill.lost + ourKill.duplicated === 0,
        note: `ours: ${restartNote(ourKill)}; theirs: ${restartNote(theirKill)}`,
      },
      {
        scenario,
        metric: `RSS growth, ${IDLE_FOLLOWERS} idle WebSocket followers`,
        unit: "MB",
        ours: idle.ours.growthMB,
        agents: idle.theirs.growthMB,
        note: `fresh workerd each: ours from ${idle.ours.beforeMB.toFixed(0)} MB, theirs from ${idle.theirs.beforeMB.toFixed(0)} MB`,
      },
    ],
  };
}
