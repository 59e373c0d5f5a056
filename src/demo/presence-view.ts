/**
 * Who is watching the session (presence, docs/sharing.md): the snapshot's `watching`, read every
 * second while a session is shown, and pushed at once by a WebSocket follower's `presence` events.
 * Presence is a courtesy: a failed read leaves the list as it was.
 */
import type { RunStream, Watcher } from "@edge-stream/client";
import { byId, el } from "./dom";

/** How often the snapshot is read for presence, ms. */
export const PRESENCE_POLL_MS = 1000;

/** How the page reads a session: its bearer token, or a share token in the URL. */
export interface SessionAccess {
  sessionId: string;
  bearer?: () => Promise<string | undefined>;
  shareToken?: string;
}

/** `GET /sessions/:id` as this page may read it; undefined when refused or unreachable. */
export async function readSnapshot<T>(access: SessionAccess): Promise<T | undefined> {
  const query = access.shareToken ? `?token=${encodeURIComponent(access.shareToken)}` : "";
  const token = await access.bearer?.();
  const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
  try {
    const response = await fetch(`/sessions/${encodeURIComponent(access.sessionId)}${query}`, { headers });
    return response.ok ? ((await response.json()) as T) : undefined;
  } catch {
    return undefined;
  }
}

export class PresenceView {
  #list = byId<HTMLUListElement>("presence");
  #timer: ReturnType<typeof setInterval> | undefined;

  /** Shows who watches `access.sessionId`, from now on. */
  watch(access: SessionAccess): void {
    clearInterval(this.#timer);
    const poll = async () => {
      const snap = await readSnapshot<{ watching?: Watcher[] }>(access);
      if (snap?.watching) this.render(snap.watching);
    };
    void poll();
    this.#timer = setInterval(poll, PRESENCE_POLL_MS);
  }

  /** Takes a run's pushed presence (WebSocket transport). */
  attach(run: RunStream): void {
    run.on("presence", (watching) => this.render(watching));
  }

  render(watching: Watcher[]): void {
    const items = watching.map((w) =>
      el("li", { "data-watcher": w.id, "data-transport": w.transport }, `${w.id} · ${w.transport}`),
    );
    this.#list.replaceChildren(...(items.length ? items : [el("li", {}, "nobody")]));
  }
}
