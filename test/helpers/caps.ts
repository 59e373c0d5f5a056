/**
 * Helpers for the session caps tests (test/limits): a fresh user per test, runs that are started
 * and ended again so the active-run limit never gets in the way, and the caller's /usage.
 */
import { env } from "cloudflare:test";
import { expect } from "vitest";
import { userLimitsStub } from "../../src/limits/user-limits-object";
import { type Auth, api, postChat } from "./api";

/** A message of 31,000 two-byte characters: a 62 KB body, as the probe that found the gap sent. */
export const BIG_MESSAGE = "é".repeat(31_000);

/** What GET /usage answers. */
export interface Usage {
  streams: { open: number; limit: number };
  runs: { active: number; limit: number };
  sessions: { live: number; limit: number };
  log_bytes: { limit_per_session: number; by_session: Record<string, number> };
}

export function newUser(prefix: string): { name: string; auth: Auth } {
  const name = `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
  return { name, auth: { user: name } };
}

export async function usage(auth: Auth): Promise<Usage> {
  return (await api("/usage", {}, auth)).json();
}

/** Polls `read` every 100 ms until `done` (at most ~10 s); returns the last value. */
export async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  return read();
}

/** The error of a refusal, after checking its status and code. */
export async function expectError(res: Response, status: number, code: string): Promise<string> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  const body = JSON.parse(text) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  return body.error.message;
}

/** Starts a detached run (a new session without `sessionId`); answers the raw response. */
export function start(auth: Auth, message = "cap", sessionId?: string): Promise<Response> {
  const body = sessionId === undefined ? { message } : { message, session_id: sessionId };
  return postChat("loomichat", body, { Accept: "application/json" }, auth);
}

/**
 * Creates a session and cancels its run at once, then waits until the run no longer counts, so
 * the next start meets only the session limit. Returns the new session's id.
 */
export async function createSession(name: string, auth: Auth, message = "cap"): Promise<string> {
  const res = await start(auth, message);
  const text = await res.text();
  expect(res.status, text).toBe(202);
  const id = (JSON.parse(text) as { session_id: string }).session_id;
  await api(`/sessions/${id}/cancel`, { method: "POST" }, auth);
  await until(
    () => userLimitsStub(env, name).counts(),
    (counts) => counts.run === 0,
  );
  return id;
}
