/**
 * The lines of the "People in the loop" list (interaction-feed.ts draws them), from a run's events
 * in log order: each pause and what it waits for, each answer and who gave it, each steering
 * message and who sent it, the run going on after an answer, and its end once anyone took part.
 * Pure: no DOM.
 */
import type { StreamEvent } from "@edge-stream/client";
import { EVENT_TYPES } from "../protocol/events";
import { answerText, endedText, goesOnText, messageText, pauseText } from "./labels";

/** One line of the list; `data-kind` and `data-actor` say what it is for the tests and the stylesheet. */
export type FeedEntry = { kind: "pause" | "answer" | "message" | "goes_on" | "ended"; text: string; actor?: string };

/** The line an event adds, given whether an answer waits to be followed by the run going on and whether the list has lines. */
function feedEntry(event: StreamEvent, afterAnswer: boolean, any: boolean): FeedEntry | undefined {
  switch (event.event_type) {
    case EVENT_TYPES.AWAITING_INPUT:
      return { kind: "pause", text: pauseText(event.agent_source, event.payload.attempt) };
    case EVENT_TYPES.INPUT:
      return { kind: "answer", text: answerText(event.agent_source, event.payload), actor: event.payload.actor };
    case EVENT_TYPES.USER_MESSAGE:
      return { kind: "message", text: messageText(event.payload), actor: event.payload.actor };
    case EVENT_TYPES.AGENT_START:
      return afterAnswer
        ? { kind: "goes_on", text: goesOnText(event.agent_source, event.payload.attempt ?? 1) }
        : undefined;
    case EVENT_TYPES.RUN_COMPLETE:
      return any ? { kind: "ended", text: endedText(event.payload.status) } : undefined;
    default:
      return undefined;
  }
}

/** A run's list, fed one event at a time (in log order): returns the line each event adds, if any. */
export function feedReader(): (event: StreamEvent) => FeedEntry | undefined {
  let afterAnswer = false;
  let lines = 0;
  return (event) => {
    const entry = feedEntry(event, afterAnswer, lines > 0);
    if (event.event_type === EVENT_TYPES.INPUT) afterAnswer = true;
    if (event.event_type === EVENT_TYPES.AGENT_START) afterAnswer = false;
    if (entry) lines++;
    return entry;
  };
}
