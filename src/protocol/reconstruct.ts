/**
 * Rebuilds each agent's text from a run's events, the way every client must: append each
 * `llm_chunk`, and on an `error` with `discarded_chars` drop that many characters from the end
 * (output of a failed attempt that the retry replaces); a revision (`agent_start` with `attempt`
 * 2 and up) starts the agent's text afresh, and a review's edit (`input` with `text`) replaces it.
 * The result must be the text the agent's
 * `agent_complete` announces (its `text`, or for a long one its length and digest); the client
 * library and the tests both use this one definition.
 */
import { EVENT_TYPES, type StreamEvent } from "./events";
import { isAnnouncedText } from "./text-digest";

export type AgentTexts = Record<string, string>;

/** Applies one event to the per-agent texts, in place, and returns them. */
export function applyEvent(texts: AgentTexts, event: StreamEvent): AgentTexts {
  const agent = event.agent_source;
  if (event.event_type === EVENT_TYPES.AGENT_START) {
    // A revision a review asked for (attempt 2 and up) replaces the agent's earlier text.
    texts[agent] = (event.payload.attempt ?? 1) > 1 ? "" : (texts[agent] ?? "");
  } else if (event.event_type === EVENT_TYPES.INPUT) {
    // A review's edit replaces the agent's output with the reviewer's text.
    if (event.payload.text !== undefined) texts[agent] = event.payload.text;
  } else if (event.event_type === EVENT_TYPES.LLM_CHUNK) {
    texts[agent] = (texts[agent] ?? "") + event.payload.content;
  } else if (event.event_type === EVENT_TYPES.ERROR) {
    const drop = event.payload.discarded_chars ?? 0;
    if (drop > 0) {
      const text = texts[agent] ?? "";
      texts[agent] = text.slice(0, Math.max(0, text.length - drop));
    }
  }
  return texts;
}

/** Reconstructs every agent's text from a sequence of events. */
export function reconstructTexts(events: Iterable<StreamEvent>): AgentTexts {
  const texts: AgentTexts = {};
  for (const event of events) applyEvent(texts, event);
  return texts;
}

/**
 * Compares reconstructed texts against the finals announced in `agent_complete` events.
 * Returns the names of agents whose text differs (empty when the stream is intact).
 */
export function findIntegrityMismatches(events: Iterable<StreamEvent>): string[] {
  const texts: AgentTexts = {};
  const bad: string[] = [];
  for (const event of events) {
    applyEvent(texts, event);
    if (
      event.event_type === EVENT_TYPES.AGENT_COMPLETE &&
      !isAnnouncedText(texts[event.agent_source] ?? "", event.payload)
    ) {
      bad.push(event.agent_source);
    }
  }
  return bad;
}
