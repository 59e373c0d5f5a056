/**
 * UI message streams (the AI SDK's protocol, docs/ai-sdk.md) for the ai-resume scenario: read one
 * frame by frame, rebuild its text, and re-encode an answer one token a frame (what a design that
 * stores and replays every token sends).
 */
import { createParser } from "eventsource-parser";

/** The demo model's tokens: a word and its trailing space (src/llm/demo-model.ts, tokenize). */
export const TOKEN = /\S+\s*|\s+/g;

/**
 * Reads a UI message stream to its end: every frame as `{ id, chunk, bytes }` (`chunk` the parsed
 * JSON, or "[DONE]"), in order. `onFrame(frame, frames)` is called as each arrives.
 */
export async function readUiStream(url, { method = "GET", body, headers = {}, onFrame = () => {} } = {}) {
  const init = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["Content-Type"] = "application/json";
  }
  const res = await fetch(url, init);
  if (res.status !== 200) return { status: res.status, frames: [], bytes: 0, headers: res.headers };
  const frames = [];
  let bytes = 0;
  const parser = createParser({
    onEvent: (event) => {
      const frame = {
        id: event.id === undefined ? undefined : Number(event.id),
        chunk: event.data === "[DONE]" ? "[DONE]" : JSON.parse(event.data),
      };
      frames.push(frame);
      onFrame(frame, frames);
    },
  });
  const decoder = new TextDecoder();
  for await (const part of res.body) {
    bytes += part.byteLength;
    parser.feed(decoder.decode(part, { stream: true }));
  }
  return { status: res.status, frames, bytes, headers: res.headers };
}

/** The text of a stream's frames, part by part in order of their first appearance, joined. */
export function textOf(frames) {
  const parts = new Map();
  for (const { chunk } of frames) {
    if (chunk?.type === "text-start" && !parts.has(chunk.id)) parts.set(chunk.id, "");
    if (chunk?.type === "text-delta") parts.set(chunk.id, (parts.get(chunk.id) ?? "") + chunk.delta);
  }
  return [...parts.values()].join("");
}

/** One SSE frame as the service encodes it (src/protocol/ui-message-stream.ts). */
export function encodeFrame(chunk, id) {
  const data = `data: ${JSON.stringify(chunk)}\n\n`;
  return id === undefined ? data : `id: ${id}\n${data}`;
}

/**
 * The same frames with every text delta split into one frame per token, each its own event (an id
 * per frame, numbered from 1): what a design storing one event per token replays.
 */
export function tokenByToken(frames) {
  const out = [];
  for (const { chunk } of frames) {
    if (chunk === "[DONE]") continue;
    if (chunk.type !== "text-delta") {
      out.push(encodeFrame(chunk, out.length + 1));
      continue;
    }
    for (const token of chunk.delta.match(TOKEN) ?? []) {
      out.push(encodeFrame({ type: "text-delta", id: chunk.id, delta: token }, out.length + 1));
    }
  }
  return out;
}
