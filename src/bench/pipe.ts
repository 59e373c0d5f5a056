/**
 * The pipe limit: a Worker-only SSE stream of the same frames a session would send, encoded
 * before the response starts (or, when paced, as each is due), with no Durable Object and no
 * storage. What it reaches is the most any design can reach through this runtime and loopback.
 */
import { DEFAULTS } from "../env";
import { encodeRetry } from "../protocol/sse";
import { REPLAY_PAGE_ROWS } from "../session/event-log";
import { benchContent, benchFrame } from "./synthetic-events";

/** What one pipe stream sends. */
export interface PipeSpec {
  events: number;
  contentChars: number;
  /** Events a second; 0 = every frame at once, in pages as a replay sends them. */
  rate: number;
}

/** Run id the pipe's frames carry: same length as a real one. */
const PIPE_RUN_ID = "00000000-0000-4000-8000-000000000000";

const encoder = new TextEncoder();
let cached: { key: string; pages: Uint8Array[] } | undefined;

/** The frames of `spec`, one Uint8Array per replay page; the last spec's pages are kept for the next request. */
function encodedPages(spec: PipeSpec): Uint8Array[] {
  const key = `${spec.events}:${spec.contentChars}`;
  if (cached?.key === key) return cached.pages;
  const content = benchContent(spec.contentChars);
  const timestamp = new Date().toISOString();
  const pages: Uint8Array[] = [];
  for (let first = 1; first <= spec.events; first += REPLAY_PAGE_ROWS) {
    let text = "";
    const last = Math.min(spec.events, first + REPLAY_PAGE_ROWS - 1);
    for (let id = first; id <= last; id++) text += benchFrame(id, PIPE_RUN_ID, timestamp, content);
    pages.push(encoder.encode(text));
  }
  cached = { key, pages };
  return pages;
}

/** The pipe stream of `spec`. */
export function pipeStream(spec: PipeSpec): ReadableStream<Uint8Array> {
  const pages = spec.rate > 0 ? [] : encodedPages(spec);
  const content = benchContent(spec.contentChars);
  let sent = 0;
  let start = 0;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(encodeRetry(DEFAULTS.sseRetryMs)));
      start = Date.now();
    },
    async pull(controller) {
      if (spec.rate === 0) {
        const page = pages[sent++];
        if (page) controller.enqueue(page);
        if (sent >= pages.length) controller.close();
        return;
      }
      // Paced: wait for the next frame's time, then write every frame due, stamped as it is sent.
      const dueNow = () => Math.min(spec.events, Math.floor(((Date.now() - start) * spec.rate) / 1000) + 1);
      while (dueNow() <= sent) {
        const next = start + (sent * 1000) / spec.rate;
        await new Promise((resolve) => setTimeout(resolve, Math.max(1, next - Date.now())));
      }
      const due = dueNow();
      const timestamp = new Date().toISOString();
      let text = "";
      while (sent < due) text += benchFrame(++sent, PIPE_RUN_ID, timestamp, content);
      controller.enqueue(encoder.encode(text));
      if (sent >= spec.events) controller.close();
    },
  });
}
