/**
 * Loomi's conversation: the turns of the session, the user's messages and Loomi's replies, the
 * reply filling in live (and the specialist's text below it when Loomi hands off).
 */
import type { RunStream } from "edge-stream/client";
import { byId, el, humanize, perFrame } from "./dom";

export class ConversationView {
  /** The conversation's session: its next turn is sent there. */
  sessionId: string | undefined;
  #section = byId("conversation");
  #turns = byId<HTMLOListElement>("turns");

  show(visible: boolean): void {
    this.#section.hidden = !visible;
  }

  reset(): void {
    this.sessionId = undefined;
    this.#turns.replaceChildren();
  }

  get turns(): number {
    return this.#turns.children.length;
  }

  /** Adds the user's message and Loomi's reply, which follows `run`. */
  addTurn(message: string, run: RunStream): void {
    this.#turns.append(el("li", { class: "turn user" }, el("p", { class: "who" }, "You"), el("p", {}, message)));
    const body = el("div", { class: "reply" });
    const reply = el(
      "li",
      { class: "turn assistant", "data-state": "streaming" },
      el("p", { class: "who" }, "Loomi"),
      body,
    );
    this.#turns.append(reply);
    const render = () => {
      const parts = run.view.order.map((name, i) => {
        const text = run.view.agents[name].text;
        if (i === 0) return el("p", {}, text);
        return el(
          "div",
          { class: "handoff" },
          el("p", { class: "who" }, `Handed off to ${humanize(name)}`),
          el("p", {}, text),
        );
      });
      body.replaceChildren(...parts);
    };
    run.on("event", perFrame(render));
    run.started.then((ids) => {
      this.sessionId = ids.sessionId;
    });
    run.done.then(
      () => {
        render();
        reply.dataset.state = "done";
      },
      (error: Error) => {
        reply.dataset.state = "failed";
        body.append(el("p", { class: "error" }, `Reply failed: ${error.message}`));
      },
    );
  }
}
