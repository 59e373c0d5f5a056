/**
 * The service's HTTP API as a test client calls it, over any fetch: the Worker inside workerd
 * (./api.ts, through SELF) or a `wrangler dev` server from Node. Every call carries a bearer token
 * for the client's default user unless told otherwise: `{ user }` acts as another user, `{ token }`
 * sends that exact token, `{ token: null }` sends none.
 */
import { vi } from "vitest";

/** Who a call acts as. */
export type Auth = { user?: string; token?: string | null };

export type ChatMode = "novachat" | "loomichat";

/** The 202 answer of a detached run start. */
export interface Started {
  session_id: string;
  run_id: string;
  events_url: string;
  read_token: string;
}

export interface ApiClientOptions {
  baseUrl: string;
  fetch(url: string, init: RequestInit): Promise<Response>;
  /** A valid user token for `user`. */
  tokenFor(user: string): Promise<string>;
  /** Who a call acts as when not told. */
  defaultUser: string;
  /** How often waitIdle looks at the session, ms. */
  idlePollMs: number;
  /** How long waitIdle waits when not told, ms. */
  idleTimeoutMs: number;
}

export interface ApiClient {
  api(path: string, init?: RequestInit, auth?: Auth): Promise<Response>;
  postChat(mode: ChatMode, body: unknown, headers?: Record<string, string>, auth?: Auth): Promise<Response>;
  /** Starts a run without following it; returns the 202 body. */
  startDetached(mode: ChatMode, body: Record<string, unknown>, auth?: Auth): Promise<Started>;
  /** The session's JSON snapshot; throws unless it answers 200. */
  snapshot<T = Record<string, unknown>>(sessionId: string, auth?: Auth): Promise<T>;
  /** Polls the snapshot until the session is idle (its run finished); returns that snapshot. */
  waitIdle<T = Record<string, unknown>>(sessionId: string, timeoutMs?: number, auth?: Auth): Promise<T>;
}

export function apiClient(options: ApiClientOptions): ApiClient {
  async function authorization(auth: Auth = {}): Promise<string | undefined> {
    if (auth.token === null) return undefined;
    if (auth.token !== undefined) return `Bearer ${auth.token}`;
    return `Bearer ${await options.tokenFor(auth.user ?? options.defaultUser)}`;
  }

  async function api(path: string, init: RequestInit = {}, auth?: Auth): Promise<Response> {
    const headers = new Headers(init.headers);
    const value = await authorization(auth);
    if (value !== undefined && !headers.has("Authorization")) headers.set("Authorization", value);
    return options.fetch(`${options.baseUrl}${path}`, { ...init, headers });
  }

  function postChat(mode: ChatMode, body: unknown, headers: Record<string, string> = {}, auth?: Auth) {
    const init = {
      method: "POST",
      headers: { "Content-Type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    };
    return api(`/${mode}`, init, auth);
  }

  async function startDetached(mode: ChatMode, body: Record<string, unknown>, auth?: Auth): Promise<Started> {
    const res = await postChat(mode, body, { Accept: "application/json" }, auth);
    if (res.status !== 202) throw new Error(`expected 202, got ${res.status}: ${await res.text()}`);
    return res.json();
  }

  async function snapshot<T>(sessionId: string, auth?: Auth): Promise<T> {
    const res = await api(`/sessions/${sessionId}`, {}, auth);
    if (res.status !== 200) throw new Error(`snapshot of ${sessionId}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  function waitIdle<T>(sessionId: string, timeoutMs = options.idleTimeoutMs, auth?: Auth): Promise<T> {
    return vi.waitFor(
      async () => {
        const snap = await snapshot<T & { status: string }>(sessionId, auth);
        if (snap.status !== "idle") throw new Error(`session ${sessionId} still ${snap.status} after ${timeoutMs} ms`);
        return snap;
      },
      { timeout: timeoutMs, interval: options.idlePollMs },
    );
  }

  return { api, postChat, startDetached, snapshot, waitIdle };
}
