/**
 * The plumbing between a run's service event stream (the session object's SSE) and a UI message
 * stream: parse each event, map it (protocol/ui-message-mapper.ts), frame the chunks, end with
 * `[DONE]`. A replay window says which leading events the client knows already (mapped silently)
 * and which are sent folded into one compact block before the stream goes live.
 */
import { createParser } from "eventsource-parser";
import type { StreamEvent } from "../protocol/events";
import { HEARTBEAT_FRAME } from "../protocol/sse";
import { compactChunks } from "../protocol/ui-message-compact";
import type { UiMessageMapper } from "../protocol/ui-message-mapper";
import {
  DONE_FRAME,
  encodeChunkFrames,
  UI_MESSAGE_STREAM_HEADER,
  UI_MESSAGE_STREAM_VERSION,
  type UiChunk,
} from "../protocol/ui-message-stream";
import { SSE_HEADERS } from "./session-client";

/** Which events of the upstream are not sent one by one. */
export interface ReplayWindow {
  /** Events up to this id are known to the client already: mapped (for the state), never sent. */
  knownThrough: number;
  /** Events after `knownThrough` up to this id are sent as one compact block; later ones as they come. */
  compactThrough: number;
}

const LIVE: ReplayWindow = { knownThrough: 0, compactThrough: 0 };

/** Turns a run's service event stream into its UI message stream. */
export function uiMessageStream(
  upstream: ReadableStream<Uint8Array>,
  mapper: UiMessageMapper,
  window: ReplayWindow = LIVE,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  let out: TransformStreamDefaultController<Uint8Array> | undefined;
  let folded: UiChunk[] = [];
  let foldedThrough: number | undefined;
  const send = (text: string) => {
    if (text !== "") out?.enqueue(encoder.encode(text));
  };
  const sendFolded = () => {
    if (foldedThrough === undefined) return;
    send(encodeChunkFrames(compactChunks(folded), foldedThrough));
    folded = [];
    foldedThrough = undefined;
  };
  const parser = createParser({
    onEvent: (message) => {
      const event = JSON.parse(message.data) as StreamEvent;
      const chunks = mapper.push(event);
      if (event.id <= window.knownThrough) return;
      if (event.id <= window.compactThrough) {
        folded.push(...chunks);
        foldedThrough = event.id;
        if (event.id === window.compactThrough) sendFolded();
        return;
      }
      sendFolded();
      send(encodeChunkFrames(chunks, event.id));
    },
    // The only comments upstream are heartbeats: pass them on, so proxies keep an idle stream open.
    onComment: () => send(HEARTBEAT_FRAME),
  });
  return upstream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      start(controller) {
        out = controller;
      },
      transform(bytes) {
        parser.feed(decoder.decode(bytes, { stream: true }));
      },
      flush() {
        sendFolded();
        send(encodeChunkFrames(mapper.end()));
        send(DONE_FRAME);
      },
    }),
  );
}

/**
 * The UI message stream response for a run's event stream response: 200 with the protocol's
 * headers, or the session object's answer unchanged (204, or a JSON error).
 */
export function uiMessageResponse(
  upstream: Response,
  mapper: UiMessageMapper,
  window: ReplayWindow,
  headers: Record<string, string>,
): Response {
  if (upstream.status !== 200 || !upstream.body) return upstream;
  return new Response(uiMessageStream(upstream.body, mapper, window), {
    status: 200,
    headers: { ...SSE_HEADERS, [UI_MESSAGE_STREAM_HEADER]: UI_MESSAGE_STREAM_VERSION, ...headers },
  });
}
