/** Calls the Worker under test (the real app inside workerd) the way a client would. */
import { SELF } from "cloudflare:test";

export const BASE = "https://edge.test";

export function api(path: string, init?: RequestInit): Promise<Response> {
  return SELF.fetch(`${BASE}${path}`, init);
}

export function postChat(
  mode: "novachat" | "loomichat",
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return api(`/${mode}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** Starts a run without following it; returns the 202 body. */
export async function startDetached(
  mode: "novachat" | "loomichat",
  body: Record<string, unknown>,
): Promise<{ session_id: string; run_id: string; events_url: string }> {
  const res = await postChat(mode, body, { Accept: "application/json" });
  if (res.status !== 202) throw new Error(`expected 202, got ${res.status}: ${await res.text()}`);
  return res.json();
}

/** Polls the snapshot until the session is idle (its run finished). */
export async function waitIdle(sessionId: string, timeoutMs = 15_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const snap = (await (await api(`/sessions/${sessionId}`)).json()) as Record<string, unknown>;
    if (snap.status === "idle") return snap;
    if (Date.now() > deadline) throw new Error(`session ${sessionId} still running`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
