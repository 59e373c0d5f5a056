/**
 * The connection indicator and the connection log: what the client is doing with the network
 * (connected, reconnecting with its delay and resume point, closed) in words, not only colours.
 * When the stream ends it says how the run ended (completed, partial, failed, cancelled).
 */
import type { RunStream } from "@edge-stream/client";
import { byId, el } from "./dom";
import { toneOf } from "./labels";

export type ConnectionState = "idle" | "connecting" | "connected" | "reconnecting" | "closed" | "failed";

/** Log entries kept on the page; older ones are dropped. */
const MAX_LOG_ENTRIES = 60;

export class ConnectionView {
  #root = byId("connection");
  #text = byId("connection-text");
  #log = byId<HTMLOListElement>("log");
  #countdown: ReturnType<typeof setTimeout> | undefined;
  /** Reconnections over the page's life (shown, and read by the browser tests). */
  reconnects = 0;

  set(state: ConnectionState, text: string): void {
    this.#root.dataset.state = state;
    this.#text.textContent = text;
  }

  log(message: string, kind: "info" | "warn" | "error" | "ok" = "info"): void {
    const time = new Date().toLocaleTimeString([], { hour12: false });
    this.#log.prepend(el("li", { class: `log-${kind}` }, el("time", {}, time), " ", message));
    while (this.#log.children.length > MAX_LOG_ENTRIES) this.#log.lastElementChild?.remove();
  }

  /** Follows a run's lifecycle events. */
  attach(run: RunStream): void {
    this.set("connecting", "Connecting…");
    delete this.#root.dataset.runTone;
    run.on("connected", ({ transport, attempt, afterId }) => {
      clearTimeout(this.#countdown);
      this.set("connected", `Connected · ${transport}`);
      const from = afterId === 0 ? "from the start" : `after event ${afterId}`;
      this.log(
        attempt === 0 ? `Connected (${transport}), reading ${from}` : `Reconnected (${transport}), resuming ${from}`,
      );
    });
    run.on("reconnecting", ({ attempt, delayMs, afterId, error }) => {
      this.reconnects++;
      document.body.dataset.reconnects = String(this.reconnects);
      const seconds = (delayMs / 1000).toFixed(1);
      this.set("reconnecting", `Reconnecting in ${seconds} s (attempt ${attempt})`);
      // Once the wait is over the client is trying: say so rather than leave a stale countdown.
      clearTimeout(this.#countdown);
      this.#countdown = setTimeout(() => this.set("reconnecting", `Reconnecting… (attempt ${attempt})`), delayMs);
      this.log(`Connection lost (${error.message}). Retrying in ${seconds} s from event ${afterId}`, "warn");
    });
    run.on("disconnected", ({ reason, error }) => {
      clearTimeout(this.#countdown);
      if (reason === "completed") {
        // The stream ended as it should; the run itself may still have failed or been cancelled.
        this.#root.dataset.runTone = toneOf(run.view.status);
        this.set("closed", `Stream ended · run ${run.view.status}`);
      } else if (reason === "closed") {
        this.set("closed", "Stream closed");
      } else {
        this.set("failed", "Disconnected · failed");
        this.log(`Stopped: ${error?.message ?? "unknown error"}`, "error");
      }
    });
  }
}
