/**
 * Durable Streams request headers: their names and strict parsing. Each parser returns the
 * value or a message for the 400 the routes answer with; none throws.
 */
import { parseOffset } from "./offsets";
import type { ProducerClaim } from "./producer";

/** The protocol's header names (HTTP header names are case-insensitive). */
export const DS_HEADERS = {
  nextOffset: "Stream-Next-Offset",
  upToDate: "Stream-Up-To-Date",
  closed: "Stream-Closed",
  cursor: "Stream-Cursor",
  ttl: "Stream-TTL",
  expiresAt: "Stream-Expires-At",
  seq: "Stream-Seq",
  producerId: "Producer-Id",
  producerEpoch: "Producer-Epoch",
  producerSeq: "Producer-Seq",
  expectedSeq: "Producer-Expected-Seq",
  receivedSeq: "Producer-Received-Seq",
  sseEncoding: "Stream-SSE-Data-Encoding",
  forkedFrom: "Stream-Forked-From",
  forkOffset: "Stream-Fork-Offset",
  forkSubOffset: "Stream-Fork-Sub-Offset",
} as const;

/** Request headers a browser page may send to a stream (CORS). */
export const DS_REQUEST_HEADERS = [
  DS_HEADERS.ttl,
  DS_HEADERS.expiresAt,
  DS_HEADERS.seq,
  DS_HEADERS.closed,
  DS_HEADERS.producerId,
  DS_HEADERS.producerEpoch,
  DS_HEADERS.producerSeq,
  DS_HEADERS.forkedFrom,
  DS_HEADERS.forkOffset,
  DS_HEADERS.forkSubOffset,
  "If-None-Match",
];

/** Response headers a browser page may read from a stream (CORS). */
export const DS_RESPONSE_HEADERS = [
  DS_HEADERS.nextOffset,
  DS_HEADERS.upToDate,
  DS_HEADERS.closed,
  DS_HEADERS.cursor,
  DS_HEADERS.ttl,
  DS_HEADERS.expiresAt,
  DS_HEADERS.producerEpoch,
  DS_HEADERS.producerSeq,
  DS_HEADERS.expectedSeq,
  DS_HEADERS.receivedSeq,
  DS_HEADERS.sseEncoding,
  "ETag",
  "Location",
];

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/** A non-negative decimal integer without sign, leading zeros, point or exponent. */
const STRICT_INTEGER = /^(0|[1-9]\d*)$/;
/** RFC 3339 date-time (with `T` or a space, fraction optional, `Z` or an offset). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** `Stream-Closed` counts only when it is exactly `true` (any case); other values are ignored. */
export function isClosedHeader(value: string | null | undefined): boolean {
  return value?.trim().toLowerCase() === "true";
}

/** The stream's lifetime from `Stream-TTL` / `Stream-Expires-At` (both at once is a 400). */
export function parseExpiry(
  ttl: string | null,
  expiresAt: string | null,
): Parsed<{ ttlSeconds?: number; expiresAt?: string }> {
  if (ttl !== null && expiresAt !== null) {
    return { ok: false, message: "give Stream-TTL or Stream-Expires-At, not both" };
  }
  if (ttl !== null) {
    const seconds = STRICT_INTEGER.test(ttl) ? Number(ttl) : Number.NaN;
    if (!Number.isSafeInteger(seconds)) return { ok: false, message: "Stream-TTL must be a non-negative integer" };
    return { ok: true, value: { ttlSeconds: seconds } };
  }
  if (expiresAt !== null) {
    if (!RFC3339.test(expiresAt) || Number.isNaN(Date.parse(expiresAt))) {
      return { ok: false, message: "Stream-Expires-At must be an RFC 3339 timestamp" };
    }
    return { ok: true, value: { expiresAt } };
  }
  return { ok: true, value: {} };
}

function safeInteger(value: string): number | undefined {
  if (!/^\d+$/.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** The producer headers: all three or none (undefined); a partial or malformed set is a 400. */
export function parseProducer(
  id: string | null,
  epoch: string | null,
  seq: string | null,
): Parsed<ProducerClaim | undefined> {
  if (id === null && epoch === null && seq === null) return { ok: true, value: undefined };
  if (id === null || epoch === null || seq === null) {
    return { ok: false, message: "Producer-Id, Producer-Epoch and Producer-Seq go together" };
  }
  if (id.trim() === "") return { ok: false, message: "Producer-Id must not be empty" };
  const epochValue = safeInteger(epoch);
  if (epochValue === undefined) return { ok: false, message: "Producer-Epoch must be a non-negative integer" };
  const seqValue = safeInteger(seq);
  if (seqValue === undefined) return { ok: false, message: "Producer-Seq must be a non-negative integer" };
  return { ok: true, value: { id, epoch: epochValue, seq: seqValue } };
}

/** A Content-Type value shaped `type/subtype[; params]`. */
export function isValidContentType(value: string): boolean {
  return /^[\w.+-]+\/[\w.+-]+\s*(;.*)?$/.test(value.trim());
}

/** A fork request (PROTOCOL.md section 4.2): the source's URL path, where to diverge, and how far past it. */
export interface ForkRequest {
  source: string;
  /** The raw `Stream-Fork-Offset` (compared on an idempotent re-create). */
  offsetHeader?: string;
  /** The divergence point; undefined means the source's tail. */
  position?: number;
  subOffset: number;
}

/** The fork headers of a PUT: undefined for a plain create; a sub-offset or offset without a source is a 400. */
export function parseFork(headers: Headers): Parsed<ForkRequest | undefined> {
  const source = headers.get(DS_HEADERS.forkedFrom);
  const offset = headers.get(DS_HEADERS.forkOffset);
  const sub = headers.get(DS_HEADERS.forkSubOffset);
  if (source === null) {
    if (offset !== null || sub !== null) return { ok: false, message: "fork headers need Stream-Forked-From" };
    return { ok: true, value: undefined };
  }
  if (source.trim() === "") return { ok: false, message: "Stream-Forked-From must name a stream path" };
  let position: number | undefined;
  if (offset !== null) {
    const parsed = parseOffset(offset);
    if (parsed?.kind !== "at")
      return { ok: false, message: "Stream-Fork-Offset is not an offset this server returned" };
    position = parsed.position;
  }
  const subOffset = sub === null ? 0 : STRICT_INTEGER.test(sub) ? Number(sub) : Number.NaN;
  if (!Number.isSafeInteger(subOffset))
    return { ok: false, message: "Stream-Fork-Sub-Offset must be a non-negative integer" };
  return { ok: true, value: { source, offsetHeader: offset ?? undefined, position, subOffset } };
}
