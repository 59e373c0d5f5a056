/**
 * PUT on a Durable Stream (PROTOCOL.md sections 5.1 and 4.2): create (a plain stream or a fork),
 * or confirm an identical stream (200), or refuse a different one (409). Nothing is stored unless
 * every check passed; a fork copies its source's data up to the divergence point (stream-fork-source.ts).
 */
import {
  DS_HEADERS,
  type ForkRequest,
  isClosedHeader,
  isValidContentType,
  parseExpiry,
  parseFork,
} from "../protocol/durable-streams/headers";
import { isJsonType, mediaType, splitJsonBody } from "../protocol/durable-streams/json-mode";
import { formatOffset } from "../protocol/durable-streams/offsets";
import { errorResponse } from "../protocol/errors";
import type { ForkAsk, ForkGrant } from "./stream-fork-source";
import type { StreamMeta, StreamStore } from "./stream-store";

/** Who asks, and the limits that apply to them. */
export interface WriteContext {
  userId: string;
  path: string;
  now: number;
  maxStreamBytes: number;
}

/** How a fork reaches its source's object (by the source's URL path). */
export interface ForkSources {
  begin(source: string, ask: ForkAsk): Promise<ForkGrant>;
  page(source: string, from: number, until: number): Promise<{ items: (Uint8Array | string)[]; next: number }>;
  release(source: string): Promise<void>;
}

/** The owner's count of streams (src/limits/durable-stream-quota.ts), reached over RPC. */
export interface StreamQuota {
  /** Counts a new stream of `userId`'s, or says how long until they may try again. */
  admit(userId: string): Promise<{ ok: true } | { ok: false; max: number; retryAfterSeconds: number }>;
  release(userId: string): Promise<void>;
}

/** What creating a stream reaches beyond its own storage. */
export interface CreateDeps {
  sources: ForkSources;
  quota: StreamQuota;
}

/** The type a stream gets when PUT names none (or an unusable one). */
const DEFAULT_TYPE = "application/octet-stream";

export function stateHeaders(meta: StreamMeta): Headers {
  const headers = new Headers({ "Content-Type": meta.contentType, [DS_HEADERS.nextOffset]: formatOffset(meta.tail) });
  if (meta.closed) headers.set(DS_HEADERS.closed, "true");
  return headers;
}

type Expiry = { ttlSeconds?: number; expiresAt?: string };

/** Whether an existing stream is what this PUT would create (what a fork inherits is not compared). */
function sameConfig(meta: StreamMeta, type: string | undefined, expiry: Expiry, closed: boolean, fork?: ForkRequest) {
  const forkSame = fork
    ? meta.fork?.source === fork.source &&
      meta.fork.offsetHeader === fork.offsetHeader &&
      meta.fork.subOffset === fork.subOffset
    : meta.fork === undefined;
  const expirySame =
    fork && expiry.ttlSeconds === undefined && expiry.expiresAt === undefined
      ? true
      : meta.ttlSeconds === expiry.ttlSeconds && meta.expiresAt === expiry.expiresAt;
  const typeSame = type === undefined ? fork !== undefined : mediaType(meta.contentType) === mediaType(type);
  return forkSame && expirySame && typeSame && meta.closed === closed;
}

export async function createStream(
  store: StreamStore,
  request: Request,
  context: WriteContext,
  { sources, quota }: CreateDeps,
): Promise<Response> {
  const h = request.headers;
  const fork = parseFork(h);
  if (!fork.ok) return errorResponse("bad_request", fork.message);
  const expiry = parseExpiry(h.get(DS_HEADERS.ttl), h.get(DS_HEADERS.expiresAt));
  if (!expiry.ok) return errorResponse("bad_request", expiry.message);
  const given = h.get("Content-Type");
  const type = given !== null && isValidContentType(given) ? given.trim() : undefined;
  const closed = isClosedHeader(h.get(DS_HEADERS.closed));
  // Read before the existence check, so a plain create checks and stores in one step of the object.
  const body = new Uint8Array(await request.arrayBuffer());
  const existing = store.meta;
  if (existing) {
    if (existing.softDeleted) return errorResponse("conflict", "this stream was deleted; its forks still use it");
    if (existing.owner !== context.userId) return errorResponse("conflict", "this stream path belongs to another user");
    if (!sameConfig(existing, type ?? (fork.value ? undefined : DEFAULT_TYPE), expiry.value, closed, fork.value)) {
      return errorResponse("conflict", "a stream exists here with another configuration");
    }
    return new Response(null, { status: 200, headers: stateHeaders(existing) });
  }
  let inherited: Extract<ForkGrant, { ok: true }> | undefined;
  if (fork.value) {
    const { source, position, subOffset } = fork.value;
    const grant = await sources.begin(source, { userId: context.userId, position, subOffset, contentType: type });
    if (!grant.ok) return errorResponse(grant.code, grant.message);
    inherited = grant;
  }
  const contentType = inherited?.contentType ?? type ?? DEFAULT_TYPE;
  const json = isJsonType(contentType);
  const refuse = async (response: Response) => {
    if (fork.value) await sources.release(fork.value.source);
    return response;
  };
  const prefixBytes = inherited && !json ? inherited.position : 0;
  if (prefixBytes + body.byteLength > context.maxStreamBytes) {
    return refuse(
      errorResponse("payload_too_large", `a stream holds at most ${context.maxStreamBytes} bytes (MAX_STREAM_BYTES)`),
    );
  }
  let items: (Uint8Array | string)[] = body.byteLength > 0 ? [body] : [];
  if (json && body.byteLength > 0) {
    const split = splitJsonBody(new TextDecoder().decode(body), true);
    if (!split.ok) return refuse(errorResponse("invalid_body", split.message));
    items = split.messages;
  }
  const ownExpiry = expiry.value.ttlSeconds !== undefined || expiry.value.expiresAt !== undefined;
  const lifetime =
    ownExpiry || !inherited ? expiry.value : { ttlSeconds: inherited.ttlSeconds, expiresAt: inherited.expiresAt };
  const prefix: (Uint8Array | string)[] = [];
  if (inherited && fork.value) {
    for (let from = 0; from < inherited.position; ) {
      const page = await sources.page(fork.value.source, from, inherited.position);
      if (page.next <= from) return refuse(errorResponse("conflict", "the source stream changed while forking"));
      prefix.push(...page.items);
      from = page.next;
    }
  }
  const admitted = await quota.admit(context.userId);
  if (!admitted.ok) {
    const message = `this user has ${admitted.max} streams already (MAX_DURABLE_STREAMS_PER_USER); delete one first`;
    return refuse(errorResponse("rate_limited", message, { "Retry-After": String(admitted.retryAfterSeconds) }));
  }
  // Creating awaited the quota (and a fork its source): a concurrent PUT may have created this path.
  if (store.meta) {
    await quota.release(context.userId);
    return refuse(errorResponse("conflict", "this stream was created meanwhile"));
  }
  store.create({
    owner: context.userId,
    path: context.path,
    contentType,
    json,
    ...lifetime,
    closed: false,
    tail: 0,
    bytes: 0,
    touchedAt: context.now,
    etagId: crypto.randomUUID(),
    fork: fork.value && {
      source: fork.value.source,
      offsetHeader: fork.value.offsetHeader,
      subOffset: fork.value.subOffset,
    },
    forks: 0,
    softDeleted: false,
  });
  store.append([...prefix, ...items]);
  if (closed) store.update({ closed: true });
  const headers = stateHeaders(store.current);
  const location = new URL(request.url);
  location.search = "";
  headers.set("Location", location.toString());
  return new Response(null, { status: 201, headers });
}
