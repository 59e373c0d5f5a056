/**
 * The demo's controls for people in the loop (docs/interaction.md). When the run pauses for a
 * review (`awaiting_input`) a card shows which agent waits and until when, with its output in an
 * editable box: Approve, Revise (with the feedback) or Edit (the box's text replaces the output).
 * Every answer is shown when its `input` event arrives, whoever gave it. While a run is active a box
 * sends it a steering message; each `user_message` is logged as it arrives.
 */
import type { EdgeStreamClient, ReviewAnswer, RunStream } from "@edge-stream/client";
import { EVENT_TYPES, type StreamEvent } from "../protocol/events";
import { byId } from "./dom";

type Log = (message: string, kind?: "info" | "warn" | "error" | "ok") => void;

export class ReviewView {
  #card = byId("review");
  #agent = byId("review-agent");
  #attempt = byId("review-attempt");
  #expiry = byId<HTMLTimeElement>("review-expiry");
  #text = byId<HTMLTextAreaElement>("review-text");
  #feedback = byId<HTMLInputElement>("review-feedback");
  #buttons = ["review-approve", "review-revise", "review-edit"].map((id) => byId<HTMLButtonElement>(id));
  #steerForm = byId<HTMLFormElement>("steer-form");
  #steerText = byId<HTMLInputElement>("steer-text");
  #steerSend = byId<HTMLButtonElement>("steer-send");
  #log: Log;
  #client: EdgeStreamClient | undefined;
  #sessionId: string | undefined;
  #waitId: number | undefined;

  constructor(log: Log) {
    this.#log = log;
    const [approve, revise, edit] = this.#buttons;
    approve.addEventListener("click", () => this.#answer({ action: "approve" }));
    revise.addEventListener("click", () => {
      const feedback = this.#feedback.value.trim();
      if (!feedback) return this.#feedback.focus();
      this.#answer({ action: "revise", feedback });
    });
    edit.addEventListener("click", () => this.#answer({ action: "edit", text: this.#text.value }));
    this.#steerForm.addEventListener("submit", (event) => {
      event.preventDefault();
      this.#steer();
    });
  }

  /** Follows `run` (started by `client`): its pauses, answers and messages. */
  attach(run: RunStream, client: EdgeStreamClient): void {
    this.#client = client;
    this.#sessionId = undefined;
    this.#hide();
    run.started.then((ids) => {
      this.#sessionId = ids.sessionId;
      this.#steerSend.disabled = false;
    });
    run.on("event", (event) => this.#onEvent(event, run));
    // Whatever the outcome (main.ts reports it), the controls go; a rejection is handled there.
    const ended = () => {
      this.#hide();
      this.#steerSend.disabled = true;
    };
    run.done.then(ended, ended);
  }

  #onEvent(event: StreamEvent, run: RunStream): void {
    if (event.event_type === EVENT_TYPES.AWAITING_INPUT) {
      this.#waitId = event.id;
      this.#agent.textContent = event.agent_source;
      this.#attempt.textContent = event.payload.attempt > 1 ? `(attempt ${event.payload.attempt})` : "";
      this.#expiry.dateTime = event.payload.expires_at;
      this.#expiry.textContent = new Date(event.payload.expires_at).toLocaleTimeString();
      this.#text.value = run.view.agents[event.agent_source]?.text ?? "";
      this.#feedback.value = "";
      this.#card.hidden = false;
      this.#setBusy(false);
      this.#log(`Paused for your review of ${event.agent_source}`, "warn");
    } else if (event.event_type === EVENT_TYPES.INPUT) {
      if (event.payload.wait_id === this.#waitId) this.#hide();
      const how =
        event.payload.action === "revise" ? `revision asked ("${event.payload.feedback}")` : event.payload.action;
      this.#log(`${event.agent_source}: ${how} by ${event.payload.actor}`, "ok");
    } else if (event.event_type === EVENT_TYPES.USER_MESSAGE) {
      this.#log(`${event.payload.actor} told the run: ${event.payload.text}`);
    }
  }

  #answer(answer: ReviewAnswer): void {
    const client = this.#client;
    const sessionId = this.#sessionId;
    if (!client || !sessionId) return;
    this.#setBusy(true);
    client.answer(sessionId, { ...answer, wait_id: this.#waitId }).catch((error: Error) => {
      this.#log(`Answer refused: ${error.message}`, "error");
      this.#setBusy(false);
    });
  }

  #steer(): void {
    const text = this.#steerText.value.trim();
    if (!text || !this.#client || !this.#sessionId) return;
    this.#client.steer(this.#sessionId, text).then(
      () => {
        this.#steerText.value = "";
      },
      (error: Error) => this.#log(`Message refused: ${error.message}`, "error"),
    );
  }

  #setBusy(busy: boolean): void {
    for (const button of this.#buttons) button.disabled = busy;
  }

  #hide(): void {
    this.#card.hidden = true;
    this.#waitId = undefined;
  }
}
