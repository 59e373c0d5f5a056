/**
 * GET on a Durable Stream (PROTOCOL.md sections 5.6 to 5.8): catch-up, long-poll and SSE over
 * any StreamSource, answered as a standard Response. Query mistakes are 400s with a JSON error.
 */
import { errorResponse } from "../errors";
import { responseCursor } from "./cursor";
import { DS_HEADERS } from "./headers";
import { isTextType } from "./json-mode";
import { createLiveSse } from "./live-sse";
import { formatOffset, parseOffset } from "./offsets";
import { hasData, type ReadPage, type StreamSource } from "./source";

export interface ReadOptions {
  /** How long a long-poll waits for data before its 204, ms. */
  longPollMs: number;
  /** Keep-alive interval of SSE, ms. */
  sseKeepAliveMs: number;
  /** When the server ends an SSE connection, ms. */
  sseLifetimeMs: number;
}

/** Catch-up reads of user-owned streams: never stored by shared caches, revalidated by browsers. */
const READ_CACHE_CONTROL = "private, no-cache";

function bodyOf(page: ReadPage): BodyInit {
  if (page.messages) return `[${page.messages.join(",")}]`;
  return page.bytes ?? new Uint8Array(0);
}

function pageHeaders(page: ReadPage, next: number): Headers {
  const headers = new Headers({ "Content-Type": page.contentType, [DS_HEADERS.nextOffset]: formatOffset(next) });
  if (next >= page.tail) {
    headers.set(DS_HEADERS.upToDate, "true");
    if (page.closed) headers.set(DS_HEADERS.closed, "true");
  }
  return headers;
}

/** Answers a GET on `source` for the request's query. */
export async function answerRead(source: StreamSource, request: Request, options: ReadOptions): Promise<Response> {
  const params = new URL(request.url).searchParams;
  const offsets = params.getAll("offset");
  if (offsets.length > 1) return errorResponse("invalid_query", "give one offset");
  if (offsets[0] === "") return errorResponse("invalid_query", "offset must not be empty");
  const offset = parseOffset(offsets[0]);
  if (offset === undefined) return errorResponse("invalid_query", "offset is not one this server returned");
  const live = params.get("live");
  if (live !== null && live !== "long-poll" && live !== "sse") {
    return errorResponse("invalid_query", "live must be long-poll or sse");
  }
  if (live !== null && offsets.length === 0) return errorResponse("invalid_query", `live=${live} needs an offset`);
  const cursor = params.get("cursor") ?? undefined;
  const state = await source.tail();
  if (state === undefined) return errorResponse("not_found", "no such stream");
  const position = offset.kind === "at" ? offset.position : offset.kind === "now" ? state.tail : 0;

  if (live === "sse") {
    const body = createLiveSse(source, {
      position,
      cursor,
      keepAliveMs: options.sseKeepAliveMs,
      maxLifetimeMs: options.sseLifetimeMs,
    });
    const headers = new Headers({ "Content-Type": "text/event-stream", "Cache-Control": "no-cache" });
    if (!isTextType(state.contentType)) headers.set(DS_HEADERS.sseEncoding, "base64");
    return new Response(body, { headers });
  }

  if (offset.kind === "now" && live === null) {
    const headers = pageHeaders(state, state.tail);
    headers.set("Cache-Control", "no-store");
    return new Response(state.messages ? "[]" : null, { headers });
  }

  let page = await source.read(position);
  if (page === undefined) return errorResponse("not_found", "no such stream");
  if (live === "long-poll" && !hasData(page)) {
    if (!page.closed) {
      await source.wait(position, options.longPollMs);
      page = await source.read(position);
      if (page === undefined) return errorResponse("not_found", "no such stream");
    }
    if (!hasData(page)) {
      const headers = new Headers({ [DS_HEADERS.nextOffset]: formatOffset(page.next), [DS_HEADERS.upToDate]: "true" });
      if (page.closed) headers.set(DS_HEADERS.closed, "true");
      else headers.set(DS_HEADERS.cursor, responseCursor(cursor));
      return new Response(null, { status: 204, headers });
    }
  }

  const headers = pageHeaders(page, page.next);
  if (live === "long-poll") headers.set(DS_HEADERS.cursor, responseCursor(cursor));
  const closedMark = headers.has(DS_HEADERS.closed) ? ":c" : "";
  const etag = `"${page.etagId}:${offsets[0] ?? "-1"}:${formatOffset(page.next)}${closedMark}"`;
  headers.set("ETag", etag);
  headers.set("Cache-Control", READ_CACHE_CONTROL);
  if (request.headers.get("If-None-Match") === etag)
    return new Response(null, { status: 304, headers: { ETag: etag } });
  return new Response(bodyOf(page), { headers });
}
