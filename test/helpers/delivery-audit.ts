/**
 * Follows a session's events over plain fetch, the way a resuming client does, and checks what
 * it got: every id exactly once and in order, and every run's text intact.
 */
import type { StreamEvent } from "../../src/protocol/events";
import { findIntegrityMismatches } from "../../src/protocol/reconstruct";
import { idsOf } from "./event-lists";
import { readSse } from "./sse";

/** Reads `url` after `lastId` to the stream's end; an error (server gone) ends the read early. */
export async function readFrom(
  url: string,
  lastId: number,
  headers: Record<string, string> = {},
  maxEvents = Number.POSITIVE_INFINITY,
): Promise<{ events: StreamEvent[]; status: number }> {
  try {
    const res = await fetch(url, { headers: { "Last-Event-ID": String(lastId), ...headers } });
    if (res.status !== 200) return { events: [], status: res.status };
    return { events: (await readSse(res, maxEvents).catch(() => ({ events: [] }))).events, status: 200 };
  } catch {
    return { events: [], status: 0 };
  }
}

export interface Audit {
  lost: number;
  duplicated: number;
  mismatches: string[];
}

/** Compares received events with ids 1..n: how many are missing or repeated, and text integrity. */
export function audit(received: StreamEvent[], firstId = 1): Audit {
  const seen = new Map<number, number>();
  for (const e of received) seen.set(e.id, (seen.get(e.id) ?? 0) + 1);
  const last = Math.max(firstId - 1, ...idsOf(received));
  let lost = 0;
  let duplicated = 0;
  for (let id = firstId; id <= last; id++) {
    const count = seen.get(id) ?? 0;
    if (count === 0) lost++;
    if (count > 1) duplicated += count - 1;
  }
  return { lost, duplicated, mismatches: findIntegrityMismatches(received) };
}
