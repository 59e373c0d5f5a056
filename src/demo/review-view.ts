/**
 * The demo's controls for people in the loop (docs/interaction.md). When the run pauses for a
 * review (`awaiting_input`) a card shows which agent waits and until when, with its output in an
 * editable box: Approve, Revise (with the feedback) or Edit (the box's text replaces the output).
 * The card goes when the wait's `input` arrives, whoever gave it. While a run is active a box sends
 * it a steering message. The page's role decides (protocol/roles.ts, the table the service checks):
 * the owner and editors get working controls; a viewer or a share link sees the card with its
 * controls greyed out and a line saying why. What people did is listed by interaction-feed.ts.
 */
import type { EdgeStreamClient, ReviewAnswer, RunStream } from "@edge-stream/client";
import { EVENT_TYPES, type StreamEvent } from "../protocol/events";
import { ACTIONS, type Role, roleAllows } from "../protocol/roles";
import { byId } from "./dom";
import { refusedText } from "./labels";

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
  #reviewWhy = byId("review-why");
  #steerWhy = byId("steer-why");
  #mayAnswer = false;
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

  /** Follows `run` (read through `client`, whose token has `role` in its session): its pauses and answers. */
  attach(run: RunStream, client: EdgeStreamClient, role: Role): void {
    this.#client = client;
    this.#sessionId = undefined;
    this.#mayAnswer = roleAllows(role, ACTIONS.ANSWER_REVIEW);
    const maySteer = roleAllows(role, ACTIONS.STEER);
    this.#reviewWhy.textContent = this.#mayAnswer ? "" : refusedText(role, ACTIONS.ANSWER_REVIEW, "Answering");
    this.#reviewWhy.hidden = this.#mayAnswer;
    this.#steerWhy.textContent = maySteer ? "" : refusedText(role, ACTIONS.STEER, "Steering");
    this.#steerWhy.hidden = maySteer;
    this.#steerText.disabled = !maySteer;
    this.#text.readOnly = !this.#mayAnswer;
    this.#feedback.disabled = !this.#mayAnswer;
    this.#hide();
    run.started.then((ids) => {
      this.#sessionId = ids.sessionId;
      this.#steerSend.disabled = !maySteer;
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
    } else if (event.event_type === EVENT_TYPES.INPUT && event.payload.wait_id === this.#waitId) {
      this.#hide();
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
    for (const button of this.#buttons) button.disabled = busy || !this.#mayAnswer;
  }

  #hide(): void {
    this.#card.hidden = true;
    this.#waitId = undefined;
  }
}
