/**
 * "People in the loop": what people did to the run, on every page that follows it (the owner's, a
 * member's, a share link's), in the order the log has it: each pause and what it waits for, each
 * answer and who gave it, each steering message and who sent it, then the run going on and how it
 * ended. Drawn from the run's events alone, so a page that joins late replays the same list.
 */
import type { RunStream, StreamEvent } from "@edge-stream/client";
import { EVENT_TYPES } from "../protocol/events";
import { byId, el } from "./dom";
import { answerText, endedText, goesOnText, messageText, pauseText } from "./labels";

/** One line of the list; `data-kind` and `data-actor` say what it is for the tests and the stylesheet. */
type Entry = { kind: "pause" | "answer" | "message" | "goes_on" | "ended"; text: string; actor?: string };

/** The entry an event makes, given whether an answer is waiting to be followed by the run going on. */
function entryOf(event: StreamEvent, afterAnswer: boolean, any: boolean): Entry | undefined {
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

export class InteractionFeed {
  #section = byId("people");
  #list = byId<HTMLOListElement>("interactions");

  /** Clears the list and follows `run`. */
  attach(run: RunStream): void {
    this.#list.replaceChildren();
    this.#section.hidden = true;
    let afterAnswer = false;
    run.on("event", (event) => {
      const entry = entryOf(event, afterAnswer, this.#list.children.length > 0);
      if (event.event_type === EVENT_TYPES.INPUT) afterAnswer = true;
      if (event.event_type === EVENT_TYPES.AGENT_START) afterAnswer = false;
      if (entry) this.#add(entry, event.id);
    });
  }

  #add(entry: Entry, eventId: number): void {
    const attributes: Record<string, string> = { "data-kind": entry.kind, "data-event-id": String(eventId) };
    if (entry.actor !== undefined) attributes["data-actor"] = entry.actor;
    this.#list.append(el("li", attributes, entry.text));
    this.#section.hidden = false;
  }
}
