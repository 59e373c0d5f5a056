/**
 * Calls the Worker under test (the real app inside workerd) the way a client would. Every call
 * carries a bearer token for TEST_USER unless told otherwise: `{ user }` acts as another user,
 * `{ token }` sends that exact token, `{ token: null }` sends none.
 */
import { env, SELF } from "cloudflare:test";
import { loadAccessConfig } from "../../src/env";
import { userToken } from "./tokens";

export const BASE = "https://edge.test";

/** The default user: one per test file (each file loads its own copy), so files never share limits. */
export const TEST_USER = `test-user-${crypto.randomUUID().slice(0, 8)}`;

/** Who a helper call acts as. */
export type Auth = { user?: string; token?: string | null };

/** The test AUTH_SECRET (vitest.config.ts bindings). */
export function testSecret(): string {
  const secret = loadAccessConfig(env).authSecret;
  if (!secret) throw new Error("AUTH_SECRET missing from the test bindings");
  return secret;
}

const tokens = new Map<string, Promise<string>>();

/** A valid user token (one hour) for `user`, signed with the secret and issuer/audience of the bindings. */
export function tokenFor(user: string = TEST_USER): Promise<string> {
  let token = tokens.get(user);
  if (!token) {
    const access = loadAccessConfig(env);
    token = userToken(user, { secret: testSecret(), issuer: access.issuer, audience: access.audience });
    tokens.set(user, token);
  }
  return token;
}

async function authorization(auth: Auth = {}): Promise<string | undefined> {
  if (auth.token === null) return undefined;
  if (auth.token !== undefined) return `Bearer ${auth.token}`;
  return `Bearer ${await tokenFor(auth.user ?? TEST_USER)}`;
}

export async function api(path: string, init: RequestInit = {}, auth?: Auth): Promise<Response> {
  const headers = new Headers(init.headers);
  const value = await authorization(auth);
  if (value !== undefined && !headers.has("Authorization")) headers.set("Authorization", value);
  return SELF.fetch(`${BASE}${path}`, { ...init, headers });
}

export function postChat(
  mode: "novachat" | "loomichat",
  body: unknown,
  headers: Record<string, string> = {},
  auth?: Auth,
): Promise<Response> {
  return api(
    `/${mode}`,
    {
      method: "POST",
      headers: { "Content-Type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    },
    auth,
  );
}

/** The 202 answer of a detached run start. */
export interface Started {
  session_id: string;
  run_id: string;
  events_url: string;
  read_token: string;
}

/** Starts a run without following it; returns the 202 body. */
export async function startDetached(
  mode: "novachat" | "loomichat",
  body: Record<string, unknown>,
  auth?: Auth,
): Promise<Started> {
  const res = await postChat(mode, body, { Accept: "application/json" }, auth);
  if (res.status !== 202) throw new Error(`expected 202, got ${res.status}: ${await res.text()}`);
  return res.json();
}

/** Polls the snapshot until the session is idle (its run finished). */
export async function waitIdle(sessionId: string, timeoutMs = 15_000, auth?: Auth): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const snap = (await (await api(`/sessions/${sessionId}`, {}, auth)).json()) as Record<string, unknown>;
    if (snap.status === "idle") return snap;
    if (Date.now() > deadline) throw new Error(`session ${sessionId} still running`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
