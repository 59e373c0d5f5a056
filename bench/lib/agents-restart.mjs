/**
 * What a client gets when workerd is killed and restarted mid-response (the instance disposed and
 * started again on the same storage, as after a crash or a deploy), for both. The same answer
 * shape on both sides: RESTART_TOKENS at 25 ms a token, the first client cut after about a third,
 * a second client reconnecting after the restart from what the first had.
 */

import { chatRequest, chatUrl, followChat, lastMessageText } from "../agents-peer/chat-client.mjs";
import { answerText } from "../agents-peer/chunks.mjs";
import { readSse } from "./sse-reader.mjs";

export const RESTART_TOKENS = 400;
const PACE_MS = 25;
const CUT_AT = 150;
const CUT_MS = (CUT_AT * PACE_MS) / 1.1;
/** How long the reconnecting client waits for the rest of the answer. */
const AFTER_RESTART_TIMEOUT_MS = 90_000;

/** Theirs: B resumes with A's chunks in hand, so any chunk below A's next is a duplicate. */
export async function theirRestart(peer) {
  const request = chatRequest("restart", { chunks: RESTART_TOKENS, paceMs: PACE_MS });
  const first = await followChat(chatUrl(peer.url, "restart"), { request, until: (s) => s.next >= CUT_AT });
  const started = performance.now();
  await peer.restart(); // a new runtime on the same storage, on a new port
  const second = await followChat(chatUrl(peer.url, "restart"), {
    from: first.next,
    stopAtDone: false,
    until: (s) => s.next >= RESTART_TOKENS,
    timeoutMs: AFTER_RESTART_TIMEOUT_MS,
  });
  await new Promise((resolve) => setTimeout(resolve, 1_000)); // the message is stored after its last chunk
  return {
    before: first.next,
    resumed: second.deltas - second.duplicates - second.wrong - second.replayedAgain,
    replayedAgain: second.replayedAgain,
    duplicated: second.duplicates,
    lost: second.lost + Math.max(0, RESTART_TOKENS - second.next),
    wrong: second.wrong,
    completed: second.next >= RESTART_TOKENS,
    persistedExact: (await lastMessageText(peer.url, "restart")) === answerText(RESTART_TOKENS),
    recoverySeconds: second.firstChunkAt ? (second.firstChunkAt - started) / 1000 : undefined,
    error: second.error,
  };
}

/** Ours: a real Loomi answer at the defaults; B reconnects with A's Last-Event-ID. */
export async function ourRestart(start) {
  const server = await start("defaults", { DEMO_TOKENS: String(RESTART_TOKENS) });
  try {
    let sessionId = "";
    const onOpen = (response) => {
      sessionId = response.headers["x-session-id"];
    };
    const body = { message: "Tell me about solar-powered hiking backpacks" };
    // Ours merges tokens into chunks, so the cut is by time: a third of the 10 s answer.
    const first = await readSse(`${server.url}/loomichat`, { method: "POST", body, onOpen, timeoutMs: CUT_MS });
    const started = performance.now();
    await server.restart();
    const url = `${server.url}/sessions/${sessionId}/events?last_event_id=${first.lastId}`;
    const second = await readSse(url, { collect: true, timeoutMs: AFTER_RESTART_TIMEOUT_MS });
    const gap = (second.firstId ?? first.lastId + 1) - (first.lastId + 1);
    const interrupted = second.collected.filter(
      (e) => e.event_type === "error" && e.payload?.error_type === "interrupted",
    );
    return {
      before: first.lastId,
      resumed: second.events,
      duplicated: Math.max(0, -gap),
      lost: Math.max(0, gap) + (second.inOrder ? 0 : 1),
      completed: second.terminal,
      interrupted: interrupted.length,
      recoverySeconds: second.firstEventAt
        ? (second.firstEventAt - performance.timeOrigin - started) / 1000
        : undefined,
      error: second.error,
    };
  } finally {
    await server.stop();
  }
}
