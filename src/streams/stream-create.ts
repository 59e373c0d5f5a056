/**
 * PUT on a Durable Stream (PROTOCOL.md section 5.1): create, or confirm an identical stream
 * (200), or refuse a different one (409). Nothing is stored unless every check passed.
 */
import { DS_HEADERS, isClosedHeader, isValidContentType, parseExpiry } from "../protocol/durable-streams/headers";
import { isJsonType, mediaType, splitJsonBody } from "../protocol/durable-streams/json-mode";
import { formatOffset } from "../protocol/durable-streams/offsets";
import { jsonError } from "../protocol/durable-streams/read-response";
import type { StreamMeta, StreamStore } from "./stream-store";

/** Who asks, and the limits that apply to them. */
export interface WriteContext {
  userId: string;
  path: string;
  now: number;
  maxStreamBytes: number;
}

/** The type a stream gets when PUT names none (or an unusable one). */
const DEFAULT_TYPE = "application/octet-stream";

function stateHeaders(meta: StreamMeta): Headers {
  const headers = new Headers({ "Content-Type": meta.contentType, [DS_HEADERS.nextOffset]: formatOffset(meta.tail) });
  if (meta.closed) headers.set(DS_HEADERS.closed, "true");
  return headers;
}

export async function createStream(store: StreamStore, request: Request, context: WriteContext): Promise<Response> {
  if (request.headers.has(DS_HEADERS.forkedFrom)) {
    return jsonError(501, "not_implemented", "stream forks (Stream-Forked-From) are not supported here");
  }
  const expiry = parseExpiry(request.headers.get(DS_HEADERS.ttl), request.headers.get(DS_HEADERS.expiresAt));
  if (!expiry.ok) return jsonError(400, "bad_request", expiry.message);
  const given = request.headers.get("Content-Type");
  const contentType = given !== null && isValidContentType(given) ? given.trim() : DEFAULT_TYPE;
  const closed = isClosedHeader(request.headers.get(DS_HEADERS.closed));
  const existing = store.meta;
  if (existing) {
    if (existing.owner !== context.userId) {
      return jsonError(409, "conflict", "this stream path belongs to another user");
    }
    const same =
      mediaType(existing.contentType) === mediaType(contentType) &&
      existing.ttlSeconds === expiry.value.ttlSeconds &&
      existing.expiresAt === expiry.value.expiresAt &&
      existing.closed === closed;
    if (!same)
      return jsonError(409, "conflict", "a stream exists here with another configuration", stateHeaders(existing));
    return new Response(null, { status: 200, headers: stateHeaders(existing) });
  }
  const body = new Uint8Array(await request.arrayBuffer());
  if (body.byteLength > context.maxStreamBytes) {
    return jsonError(
      413,
      "payload_too_large",
      `a stream holds at most ${context.maxStreamBytes} bytes (MAX_STREAM_BYTES)`,
    );
  }
  const json = isJsonType(contentType);
  let items: (Uint8Array | string)[] = body.byteLength > 0 ? [body] : [];
  if (json && body.byteLength > 0) {
    const split = splitJsonBody(new TextDecoder().decode(body), true);
    if (!split.ok) return jsonError(400, "invalid_body", split.message);
    items = split.messages;
  }
  store.create({
    owner: context.userId,
    path: context.path,
    contentType,
    json,
    ...expiry.value,
    closed: false,
    tail: 0,
    bytes: 0,
    touchedAt: context.now,
    etagId: crypto.randomUUID(),
  });
  store.append(items);
  if (closed) store.update({ closed: true });
  const headers = stateHeaders(store.current);
  const location = new URL(request.url);
  location.search = "";
  headers.set("Location", location.toString());
  return new Response(null, { status: 201, headers });
}
