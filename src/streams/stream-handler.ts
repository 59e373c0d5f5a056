/**
 * One Durable Stream's requests, as a plain class over its store: the object (stream-object.ts)
 * hands it storage, the clock and the alarm. Expiry is checked on every request (and by the
 * alarm, which frees the storage); a stream past its TTL or Expires-At is gone (404).
 */
import { DS_HEADERS } from "../protocol/durable-streams/headers";
import { formatOffset } from "../protocol/durable-streams/offsets";
import { answerRead, type ReadOptions } from "../protocol/durable-streams/read-response";
import type { ReadPage, StreamSource } from "../protocol/durable-streams/source";
import { errorResponse } from "../protocol/errors";
import type { FanOut } from "../session/fan-out";
import { appendToStream } from "./stream-append";
import { type CreateDeps, createStream } from "./stream-create";
import { beginFork, type ForkAsk, type ForkGrant, releaseFork } from "./stream-fork-source";
import type { StreamMeta, StreamStore } from "./stream-store";

/** Headers the Worker sets on what it forwards: who asks, and for which stream path. */
export const STREAM_USER_HEADER = "X-Stream-User";
export const STREAM_PATH_HEADER = "X-Stream-Path";

export interface StreamHandlerOptions extends ReadOptions {
  maxStreamBytes: number;
  /** Other streams' objects (forks) and the owner's stream count (stream-object.ts). */
  deps: CreateDeps;
  now?: () => number;
  /** Asks for the alarm at `at` (ms), to remove the stream once it expires. */
  setAlarm?: (at: number) => void;
}

/** When the stream expires, ms, or undefined for never. */
export function expiresAtMs(meta: StreamMeta): number | undefined {
  if (meta.expiresAt !== undefined) return Date.parse(meta.expiresAt);
  if (meta.ttlSeconds !== undefined) return meta.touchedAt + meta.ttlSeconds * 1000;
  return undefined;
}

export class StreamHandler {
  #store: StreamStore;
  #fanOut: FanOut;
  #options: StreamHandlerOptions;
  #now: () => number;

  constructor(store: StreamStore, fanOut: FanOut, options: StreamHandlerOptions) {
    this.#store = store;
    this.#fanOut = fanOut;
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  async handle(request: Request): Promise<Response> {
    const userId = request.headers.get(STREAM_USER_HEADER) ?? "";
    const path = request.headers.get(STREAM_PATH_HEADER) ?? "";
    const meta = this.#live();
    if (meta && meta.owner !== userId && request.method !== "PUT") {
      return errorResponse("not_found", "no such stream");
    }
    if (meta?.softDeleted && request.method !== "PUT") {
      return request.method === "HEAD"
        ? new Response(null, { status: 410 })
        : errorResponse("gone", "this stream was deleted");
    }
    const context = { userId, path, now: this.#now(), maxStreamBytes: this.#options.maxStreamBytes };
    try {
      switch (request.method) {
        case "PUT": {
          const response = await createStream(this.#store, request, context, this.#options.deps);
          if (response.status === 201) this.#scheduleExpiry();
          return response;
        }
        case "POST":
          return await appendToStream(this.#store, request, context);
        case "HEAD":
          return this.#head();
        case "DELETE":
          if (!meta) return errorResponse("not_found", "no such stream");
          if (meta.forks > 0) this.#store.update({ softDeleted: true });
          else this.#remove();
          return new Response(null, { status: 204 });
        case "GET":
          if (!meta) return errorResponse("not_found", "no such stream");
          this.#touch();
          return await answerRead(this.#source(), request, this.#options);
        default:
          return errorResponse("method_not_allowed", `${request.method} is not a stream operation`, {
            Allow: "GET, HEAD, PUT, POST, DELETE",
          });
      }
    } finally {
      // Appends, closes and deletions wake the waiting readers; a reader woken for nothing re-parks.
      if (request.method !== "GET" && request.method !== "HEAD") this.#fanOut.wakeAll();
    }
  }

  /** The alarm: removes the stream if it expired, or sets the alarm again for its new expiry. */
  onAlarm(): void {
    if (this.#live()) this.#scheduleExpiry();
    this.#fanOut.wakeAll();
  }

  /** A fork asks to start from this stream (stream-fork-source.ts). */
  forkBegin(ask: ForkAsk): ForkGrant {
    return beginFork(this.#store, this.#live(), ask);
  }

  /** A fork copies a page of this stream's data (a soft-deleted stream still serves its forks). */
  forkPage(from: number, until: number): { items: (Uint8Array | string)[]; next: number } {
    return this.#store.readPage(from, until);
  }

  /** A fork of this stream is gone: a soft-deleted stream with no fork left goes too, up the chain. */
  forkRelease(): void {
    const owner = this.#store.meta?.owner;
    const next = releaseFork(this.#store);
    if (!this.#store.meta && owner !== undefined) this.#gone(owner, next);
  }

  /** Removes the stream. */
  #remove(): void {
    const meta = this.#store.meta;
    if (!meta) return;
    this.#store.wipe();
    this.#gone(meta.owner, meta.fork?.source);
  }

  /** A removed stream gives its owner's count back, and a fork its source's. */
  #gone(owner: string, source: string | undefined): void {
    const { quota, sources } = this.#options.deps;
    quota.release(owner).catch(() => {});
    if (source !== undefined) sources.release(source).catch(() => {});
  }

  /** The stream if it exists and has not expired (an expired one is removed here). */
  #live(): StreamMeta | undefined {
    const meta = this.#store.meta;
    if (!meta) return undefined;
    const expires = expiresAtMs(meta);
    if (expires !== undefined && this.#now() >= expires && !meta.softDeleted) {
      this.#remove();
      return undefined;
    }
    return meta;
  }

  #touch(): void {
    const meta = this.#store.meta;
    if (meta?.ttlSeconds !== undefined) this.#store.update({ touchedAt: this.#now() });
  }

  #scheduleExpiry(): void {
    const meta = this.#store.meta;
    const at = meta ? expiresAtMs(meta) : undefined;
    if (at !== undefined) this.#options.setAlarm?.(at);
  }

  #head(): Response {
    const meta = this.#live();
    if (!meta) return new Response(null, { status: 404 });
    const headers = new Headers({
      "Content-Type": meta.contentType,
      [DS_HEADERS.nextOffset]: formatOffset(meta.tail),
      "Cache-Control": "no-store",
    });
    if (meta.closed) headers.set(DS_HEADERS.closed, "true");
    if (meta.ttlSeconds !== undefined) headers.set(DS_HEADERS.ttl, String(meta.ttlSeconds));
    if (meta.expiresAt !== undefined) headers.set(DS_HEADERS.expiresAt, meta.expiresAt);
    return new Response(null, { status: 200, headers });
  }

  #page(position: number, withData: boolean): ReadPage | undefined {
    const meta = this.#live();
    if (!meta) return undefined;
    const from = Math.min(position, meta.tail);
    const base = { contentType: meta.contentType, tail: meta.tail, closed: meta.closed, etagId: meta.etagId };
    if (!withData) return { ...base, next: meta.tail, ...(meta.json ? { messages: [] } : {}) };
    const { items, next } = this.#store.readPage(from);
    if (meta.json) return { ...base, next, messages: items.map((item) => (typeof item === "string" ? item : "")) };
    return { ...base, next: items.length > 0 ? next : from, bytes: concat(items) };
  }

  #source(): StreamSource {
    return {
      read: async (position) => this.#page(position, true),
      tail: async () => this.#page(0, false),
      wait: async (position, timeoutMs) => {
        const meta = this.#live();
        if (!meta || meta.tail > position || meta.closed) return;
        await this.#fanOut.wait(timeoutMs);
      },
    };
  }
}

function concat(items: readonly (Uint8Array | string)[]): Uint8Array {
  const parts = items.map((item) => (typeof item === "string" ? new TextEncoder().encode(item) : item));
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}
