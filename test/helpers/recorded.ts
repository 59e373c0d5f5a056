/**
 * Recorded streams (test/fixtures/*.sse, captured from `wrangler dev`) and tools to derive
 * variants of them: renumbered, with a failed attempt inserted, or tampered with.
 */
import { readFileSync } from "node:fs";
import { EVENT_TYPES, type StreamEvent } from "../../src/protocol/events";
import { parseSse } from "./sse";

const FIXTURES = new URL("../fixtures/", import.meta.url);

/** The events of one fixture: `nova3-run`, `loomi-turn1`, `loomi-turn2`. */
export function recording(name: string): StreamEvent[] {
  return parseSse(readFileSync(new URL(`${name}.sse`, FIXTURES), "utf8"));
}

export function clone<T>(value: T): T {
  return structuredClone(value);
}

/** Gives events consecutive ids from `first`. */
export function renumber(events: StreamEvent[], first = 1): StreamEvent[] {
  return events.map((event, i) => ({ ...clone(event), id: first + i }));
}

/**
 * Inserts a failed attempt before `agent`'s first chunk: a chunk of junk, then an `error` that
 * discards it and announces a retry. The final text is unchanged, so the stream stays valid.
 */
export function withFailedAttempt(
  events: StreamEvent[],
  agent: string,
  junk = "garbled half-sentence ",
): StreamEvent[] {
  const at = events.findIndex((e) => e.event_type === EVENT_TYPES.LLM_CHUNK && e.agent_source === agent);
  if (at < 0) throw new Error(`no chunk of ${agent}`);
  const base = events[at];
  const inserted: StreamEvent[] = [
    {
      ...clone(base),
      event_type: EVENT_TYPES.LLM_CHUNK,
      payload: { content: junk, content_type: "text", is_complete: false },
    },
    {
      ...clone(base),
      event_type: EVENT_TYPES.ERROR,
      payload: {
        error: "upstream 503",
        error_type: "upstream_error",
        retry_count: 1,
        will_retry: true,
        discarded_chars: junk.length,
      },
    },
  ];
  return renumber([...events.slice(0, at), ...inserted, ...events.slice(at)], events[0].id);
}

/** Changes one chunk's content without changing the final texts: a stream that lost or altered data. */
export function withCorruptedChunk(events: StreamEvent[], agent: string): StreamEvent[] {
  return events.map((event) => {
    if (event.event_type !== EVENT_TYPES.LLM_CHUNK || event.agent_source !== agent || !event.payload.content) {
      return event;
    }
    agent = "";
    return { ...event, payload: { ...event.payload, content: `${event.payload.content}X` } };
  });
}
