/**
 * How an event that sums up a text (`agent_complete`, `run_complete`) lets a client verify the
 * text it rebuilt from the chunks without carrying it: its length, and a digest that any language
 * computes the same way. FNV-1a 64 over the text's UTF-8 bytes, written `fnv1a64:` and 16
 * lowercase hex digits. Synchronous and small, so the browser client checks it as events arrive;
 * it guards against lost or altered chunks, not against an adversary (that is TLS's job).
 */
import { MAX_EVENT_TEXT_CHARS } from "./events";

const encoder = new TextEncoder();
const TWO_32 = 0x1_0000_0000;
/** The FNV-1a 64 prime is 2^40 + 0x1b3: multiplying is a shift plus a small product, done in 32-bit halves. */
const PRIME_LOW = 0x1b3;

/** The digest of `text`: `fnv1a64:` and 16 hex digits. */
export function textDigest(text: string): string {
  const bytes = encoder.encode(text);
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  for (let i = 0; i < bytes.length; i++) {
    lo = (lo ^ bytes[i]) >>> 0;
    const low = lo * PRIME_LOW; // below 2^41: exact in a double
    hi = (Math.imul(hi, PRIME_LOW) + Math.floor(low / TWO_32) + ((lo << 8) >>> 0)) >>> 0;
    lo = low >>> 0;
  }
  return `fnv1a64:${hi.toString(16).padStart(8, "0")}${lo.toString(16).padStart(8, "0")}`;
}

/** `text` when one event may carry it (at most MAX_EVENT_TEXT_CHARS), else undefined. */
export function inlineText(text: string): string | undefined {
  return text.length <= MAX_EVENT_TEXT_CHARS ? text : undefined;
}

/** A text as an event announces it: itself when short enough, always its length and digest. */
export interface AnnouncedText {
  text?: string;
  chars?: number;
  digest?: string;
}

/**
 * Whether `actual` is the announced text: equal to `text` when the event carries it, else of
 * the announced length and digest. (Events recorded before the digest existed always carry text.)
 */
export function isAnnouncedText(actual: string, announced: AnnouncedText): boolean {
  if (announced.text !== undefined) return actual === announced.text;
  return actual.length === announced.chars && textDigest(actual) === announced.digest;
}
