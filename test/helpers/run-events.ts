/** Reading whole runs in the `llm` tests, and the integrity checks every run must pass. */
import { expect } from "vitest";
import { EVENT_TYPES, type StreamEvent } from "../../src/protocol/events";
import { findIntegrityMismatches, reconstructTexts } from "../../src/protocol/reconstruct";
import { api, postChat } from "./api";
import { idsOf, range } from "./event-lists";
import { readSse, readSseUntil } from "./sse";

/** Posts a chat and reads its stream to `run_complete`. */
export async function runChat(
  mode: "novachat" | "loomichat",
  body: Record<string, unknown>,
): Promise<{ events: StreamEvent[]; sessionId: string; complete: StreamEvent<"run_complete"> }> {
  const res = await postChat(mode, body);
  if (res.status !== 200) throw new Error(`expected 200, got ${res.status}: ${await res.text()}`);
  const { events } = await readSse(res);
  const complete = events[events.length - 1] as StreamEvent<"run_complete">;
  expect(complete.event_type).toBe(EVENT_TYPES.RUN_COMPLETE);
  return { events, sessionId: res.headers.get("X-Session-Id") ?? "", complete };
}

/** Reads a session's events from `afterId` until `until` holds for an event (then stops reading). */
export async function readUntil(
  sessionId: string,
  until: (event: StreamEvent) => boolean,
  afterId = 0,
): Promise<StreamEvent[]> {
  const res = await api(`/sessions/${sessionId}/events?last_event_id=${afterId}`);
  if (res.status !== 200 || !res.body) throw new Error(`events: ${res.status}`);
  return (await readSseUntil(res, until)).events;
}

/** The whole log of a session from the start, to the end of its (resumed) run. */
export async function readWholeRun(sessionId: string): Promise<StreamEvent[]> {
  return readUntil(sessionId, (event) => event.event_type === EVENT_TYPES.RUN_COMPLETE);
}

/** Events of one type (and agent), typed. */
export function eventsOf<T extends StreamEvent["event_type"]>(
  events: StreamEvent[],
  type: T,
  agent?: string,
): StreamEvent<T>[] {
  return events.filter(
    (e) => e.event_type === type && (agent === undefined || e.agent_source === agent),
  ) as StreamEvent<T>[];
}

/** The run content a Nova3 run announces: the optimization agent's text. */
export const NOVA3_CONTENT = (texts: Record<string, string>) => texts.optimization_agent;
/** The run content of a Loomi turn without a handoff: the concierge's reply. */
export const LOOMI_CONTENT = (texts: Record<string, string>) => texts.loomi_concierge;

/**
 * What every run must satisfy: ids without a gap or repeat, every agent's reconstructed text equal
 * to its `agent_complete`, and (unless failed or cancelled) the run's content equal to `content`
 * of the reconstructed texts.
 */
export function expectIntact(
  events: StreamEvent[],
  content: (texts: Record<string, string>) => string,
): Record<string, string> {
  const first = events[0].id;
  expect(idsOf(events)).toEqual(range(first, first + events.length - 1));
  expect(findIntegrityMismatches(events)).toEqual([]);
  const texts = reconstructTexts(events);
  const complete = events[events.length - 1] as StreamEvent<"run_complete">;
  expect(complete.event_type).toBe(EVENT_TYPES.RUN_COMPLETE);
  if (complete.payload.status !== "failed" && complete.payload.status !== "cancelled") {
    expect(complete.payload.content).toBe(content(texts));
    expect(complete.payload.content?.length).toBeGreaterThan(0);
  }
  return texts;
}
