/**
 * A Node client of the Agents SDK's chat protocol (the wire messages of `agents/chat`, as
 * `useAgentChat` speaks them), checking the fake model's answer chunk by chunk. Its React hooks
 * are the SDK's only client, so the bench and the test speak the documented messages directly:
 *
 *   client -> cf_agent_use_chat_request { id, init: { method, body } }   ask (body: messages + extras)
 *   server -> cf_agent_stream_resuming { id }                            a stream is active
 *   client -> cf_agent_stream_resume_ack { id }                          send me its stored chunks
 *   server -> cf_agent_use_chat_response { id, body, done, seq, replay?, replayComplete? }
 */
import { WebSocket } from "undici";
import { chunkText } from "./chunks.mjs";

export const MSG = /** @type {const} */ ({
  REQUEST: "cf_agent_use_chat_request",
  RESPONSE: "cf_agent_use_chat_response",
  RESUMING: "cf_agent_stream_resuming",
  RESUME_ACK: "cf_agent_stream_resume_ack",
  RESUME_NONE: "cf_agent_stream_resume_none",
  RESUME_REQUEST: "cf_agent_stream_resume_request",
});

/** The WebSocket URL of chat `name` on the peer at `base` (http://host:port). */
export function chatUrl(base, name) {
  return `${base.replace(/^http/, "ws")}/agents/agents-peer/${encodeURIComponent(name)}`;
}

/** A chat request of one user message asking for `chunks` chunks, `paceMs` apart, held `holdMs` at the end. */
export function chatRequest(id, { chunks, paceMs = 0, holdMs = 0 }) {
  const messages = [{ id: `user-${id}`, role: "user", parts: [{ type: "text", text: "answer" }] }];
  return {
    type: MSG.REQUEST,
    id,
    init: { method: "POST", body: JSON.stringify({ messages, chunks, paceMs, holdMs }) },
  };
}

/**
 * Opens a socket on `url` and follows the chat's answer: sends `request` if given, acknowledges
 * a `resuming` offer (so a reconnecting client gets the stored chunks, then the live ones), and
 * checks every text delta against `chunkText(i)`. Resolves when the answer's `done` frame comes,
 * `until(result)` says so, the socket closes, or `timeoutMs` passes; never rejects.
 * `result.next` is the next chunk index expected: every chunk before it arrived once, in order
 * (`from`: the chunks a reconnecting client already has: one of them again is a duplicate, unless
 * it is a replayed chunk, which the SDK's client drops by its `seq`: `replayedAgain` counts those).
 * A `done` frame whose outcome is `recovering` is not the end: the SDK continues the turn; with
 * `stopAtDone: false` no `done` is (after a restart the old request ends `aborted` and the SDK's
 * recovery continues the answer under a new request id).
 */
export function followChat(url, options = {}) {
  const { request, timeoutMs = 120_000, until, onOpen, from = 0, stopAtDone = true } = options;
  const result = {
    opened: false,
    next: from,
    deltas: 0,
    duplicates: 0,
    lost: 0,
    wrong: 0,
    replayed: 0,
    replayedAgain: 0,
    resumed: false,
    none: false,
    done: false,
    error: undefined,
    bytes: 0,
    startedAt: performance.now(),
    firstChunkAt: undefined,
    lastChunkAt: undefined,
    endedAt: undefined,
  };
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    const finish = () => {
      clearTimeout(timer);
      result.endedAt ??= performance.now();
      if (ws.readyState <= 1) ws.close();
      resolve(result);
    };
    const timer = setTimeout(() => {
      result.error ??= "timeout";
      finish();
    }, timeoutMs);
    ws.onopen = () => {
      result.opened = true;
      if (request) ws.send(JSON.stringify(request));
      onOpen?.(ws);
    };
    ws.onerror = (event) => {
      result.error ??= String(event.error ?? event.message ?? "socket error");
    };
    ws.onclose = finish;
    ws.onmessage = (event) => {
      result.bytes += Buffer.byteLength(event.data);
      const message = JSON.parse(event.data);
      if (message.type === MSG.RESUMING) {
        result.resumed = true;
        ws.send(JSON.stringify({ type: MSG.RESUME_ACK, id: message.id }));
      } else if (message.type === MSG.RESUME_NONE) result.none = true;
      else if (message.type === MSG.RESPONSE) onResponse(result, message);
      if ((stopAtDone && result.done) || until?.(result)) finish();
    };
  });
}

function onResponse(result, message) {
  if (message.error) result.error = message.body || "error frame";
  if (message.done && message.outcome !== "recovering") result.done = true;
  if (!message.body) return;
  const chunk = JSON.parse(message.body);
  if (chunk.type !== "text-delta") return;
  result.deltas++;
  if (message.replay) result.replayed++;
  result.lastChunkAt = performance.now();
  result.firstChunkAt ??= result.lastChunkAt;
  const index = Number(/^c(\d+) $/.exec(chunk.delta)?.[1] ?? Number.NaN);
  if (chunk.delta !== chunkText(index)) result.wrong++;
  else if (index < result.next && message.replay) result.replayedAgain++;
  else if (index < result.next) result.duplicates++;
  else {
    result.lost += index - result.next;
    result.next = index + 1;
  }
}

/**
 * An idle follower of chat `url`, connecting as `useAgentChat` does: it probes for a stream to
 * resume and resolves `arrived` with true once the SDK answers that none is active (the answer
 * finished), false on close or after `timeoutMs`; the socket then stays open, idle, until `close()`.
 */
export function idleFollower(url, timeoutMs = 60_000) {
  const ws = new WebSocket(url);
  let settle = () => {};
  const arrived = new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    settle = (ok) => {
      clearTimeout(timer);
      resolve(ok);
    };
  });
  ws.onopen = () => ws.send(JSON.stringify({ type: MSG.RESUME_REQUEST, probeId: "idle" }));
  ws.onclose = () => settle(false);
  ws.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (message.type === MSG.RESUME_NONE) settle(message.probeId === "idle");
    else if (message.type === MSG.RESUMING) settle(false);
  };
  return { arrived, close: () => ws.close() };
}

/** The chat's persisted transcript text of its last message (the SDK's `get-messages`). */
export async function lastMessageText(base, name) {
  const res = await fetch(`${base}/agents/agents-peer/${encodeURIComponent(name)}/get-messages`);
  if (!res.ok) throw new Error(`get-messages of ${name}: ${res.status}`);
  const messages = await res.json();
  return (messages.at(-1)?.parts ?? []).map((part) => part.text ?? "").join("");
}
