/**
 * The source's side of a fork (PROTOCOL.md section 4.2). A fork copies the source's data up to
 * the divergence point into its own object when it is created (copy-on-fork), so its reads never
 * touch the source; the source only counts its forks, so that deleting it while forks exist
 * leaves it soft-deleted (410, its path blocked) until the last fork is gone.
 */
import { mediaType } from "../protocol/durable-streams/json-mode";
import type { StreamMeta, StreamStore } from "./stream-store";

/** What a fork asks of its source. */
export interface ForkAsk {
  userId: string;
  /** The divergence point; undefined for the source's tail. */
  position?: number;
  subOffset: number;
  /** The fork's Content-Type, when its PUT gave one (it must match the source's). */
  contentType?: string;
}

export type ForkRefusal = { ok: false; code: "bad_request" | "not_found" | "conflict"; message: string };

/** The source's answer: what the fork inherits, and where its copy of the data ends. */
export type ForkGrant =
  | ForkRefusal
  | { ok: true; contentType: string; json: boolean; ttlSeconds?: number; expiresAt?: string; position: number };

/** Checks a fork of the live stream `meta` and counts it; a refusal counts nothing. */
export function beginFork(store: StreamStore, meta: StreamMeta | undefined, ask: ForkAsk): ForkGrant {
  if (!meta || meta.owner !== ask.userId)
    return { ok: false, code: "not_found", message: "the source stream does not exist" };
  if (meta.softDeleted) return { ok: false, code: "conflict", message: "the source stream was deleted" };
  if (ask.contentType !== undefined && mediaType(ask.contentType) !== mediaType(meta.contentType)) {
    return { ok: false, code: "conflict", message: `the source stream holds ${meta.contentType}` };
  }
  const anchor = ask.position ?? meta.tail;
  if (anchor > meta.tail)
    return { ok: false, code: "bad_request", message: "Stream-Fork-Offset is past the source's tail" };
  let position = anchor;
  if (ask.subOffset > 0) {
    const room = meta.json ? meta.tail - anchor : (store.chunkLengthAt(anchor) ?? 0);
    if (ask.subOffset > room) {
      return { ok: false, code: "bad_request", message: "Stream-Fork-Sub-Offset is past the next data boundary" };
    }
    position += ask.subOffset;
  }
  store.update({ forks: meta.forks + 1 });
  const { contentType, json, ttlSeconds, expiresAt } = meta;
  return { ok: true, contentType, json, ttlSeconds, expiresAt, position };
}

/**
 * One fork is gone. A soft-deleted source whose last fork went is removed; then its own source
 * (returned) loses a fork in turn, and so on up the chain.
 */
export function releaseFork(store: StreamStore): string | undefined {
  const meta = store.meta;
  if (!meta) return undefined;
  const forks = Math.max(0, meta.forks - 1);
  if (meta.softDeleted && forks === 0) {
    store.wipe();
    return meta.fork?.source;
  }
  store.update({ forks });
  return undefined;
}
