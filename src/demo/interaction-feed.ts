/**
 * "People in the loop": what people did to the run, on every page that follows it (the owner's, a
 * member's, a share link's), in the order the log has it: each pause and what it waits for, each
 * answer and who gave it, each steering message and who sent it, then the run going on and how it
 * ended. Drawn from the run's events alone, so a page that joins late replays the same list.
 */
import type { RunStream } from "@edge-stream/client";
import { byId, el } from "./dom";
import { type FeedEntry, feedReader } from "./interaction-lines";

export class InteractionFeed {
  #section = byId("people");
  #list = byId<HTMLOListElement>("interactions");

  /** Clears the list and follows `run`. */
  attach(run: RunStream): void {
    this.#list.replaceChildren();
    this.#section.hidden = true;
    const read = feedReader();
    run.on("event", (event) => {
      const entry = read(event);
      if (entry) this.#add(entry, event.id);
    });
  }

  #add(entry: FeedEntry, eventId: number): void {
    const attributes: Record<string, string> = { "data-kind": entry.kind, "data-event-id": String(eventId) };
    if (entry.actor !== undefined) attributes["data-actor"] = entry.actor;
    this.#list.append(el("li", attributes, entry.text));
    this.#section.hidden = false;
  }
}
