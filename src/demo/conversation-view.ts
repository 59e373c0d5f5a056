/**
 * Loomi's conversation: the turns of the session, the user's messages and Loomi's replies, the
 * reply filling in live (and the specialist's text below it when Loomi hands off). A turn that
 * failed or was cancelled says so in its bubble.
 */
import type { RunStream } from "@edge-stream/client";
import { byId, el, perFrame } from "./dom";
import { agentLabel } from "./labels";
import { failureReason } from "./run-summary";

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
    // Outside `body`, which each render replaces.
    const note = el("p", { class: "error", hidden: "" });
    const say = (text: string) => {
      note.textContent = text;
      note.hidden = false;
    };
    const reply = el(
      "li",
      { class: "turn assistant", "data-state": "streaming" },
      el("p", { class: "who" }, "Loomi"),
      body,
      note,
    );
    this.#turns.append(reply);
    const render = () => {
      const parts = run.view.order.flatMap((name, i) => {
        const text = run.view.agents[name].text;
        // A failed attempt leaves no text: the bubble then says why instead of staying blank.
        if (!text) return [];
        if (i === 0) return el("p", {}, text);
        return el(
          "div",
          { class: "handoff" },
          el("p", { class: "who" }, `Handed off to ${agentLabel(name)}`),
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
      (result) => {
        render();
        if (result.status === "completed") {
          reply.dataset.state = "done";
        } else if (result.status === "cancelled") {
          reply.dataset.state = "cancelled";
          say("You cancelled this turn.");
        } else {
          reply.dataset.state = "failed";
          const replied = run.view.order.length > 0 && run.view.agents[run.view.order[0]].text !== "";
          say(`${replied ? "The hand-off failed" : "Loomi could not answer"}: ${failureReason(run.view)}`);
        }
      },
      (error: Error) => {
        reply.dataset.state = "failed";
        say(`Reply failed: ${error.message}`);
      },
    );
  }
}
