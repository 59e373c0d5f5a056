/** Review checkpoints and steering as a test client drives them (docs/interaction.md). */
import { vi } from "vitest";
import { EVENT_TYPES, type StreamEvent } from "../../src/protocol/events";
import { type Auth, api, snapshot } from "./api";
import { readUntil } from "./run-events";

/** `POST /sessions/:id/input` with `body`. */
export function answer(sessionId: string, body: unknown, auth?: Auth): Promise<Response> {
  const init = { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  return api(`/sessions/${sessionId}/input`, init, auth);
}

/** `POST /sessions/:id/messages` with `{ text }`. */
export function steer(sessionId: string, text: string, auth?: Auth): Promise<Response> {
  const init = { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ text }) };
  return api(`/sessions/${sessionId}/messages`, init, auth);
}

/** Polls the snapshot until the session's status is `status`; returns that snapshot. */
export function waitForStatus<T = Record<string, unknown>>(
  sessionId: string,
  status: "idle" | "running" | "awaiting_input",
  timeoutMs = 15_000,
): Promise<T & { status: string }> {
  return vi.waitFor(
    async () => {
      const snap = await snapshot<T & { status: string }>(sessionId);
      if (snap.status !== status) throw new Error(`session ${sessionId} is ${snap.status}, not ${status}`);
      return snap;
    },
    { timeout: timeoutMs, interval: 20 },
  );
}

/** Reads the session's log from the start up to its `n`th `awaiting_input` (1 = the first). */
export async function readToPause(sessionId: string, n = 1): Promise<StreamEvent[]> {
  let seen = 0;
  return readUntil(sessionId, (event) => event.event_type === EVENT_TYPES.AWAITING_INPUT && ++seen === n);
}

/** The newest `awaiting_input` of `events`. */
export function lastPause(events: StreamEvent[]): StreamEvent<"awaiting_input"> {
  const pauses = events.filter((e) => e.event_type === EVENT_TYPES.AWAITING_INPUT) as StreamEvent<"awaiting_input">[];
  const last = pauses.at(-1);
  if (!last) throw new Error("no awaiting_input in the log");
  return last;
}
