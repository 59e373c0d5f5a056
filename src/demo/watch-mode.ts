/**
 * The demo page opened on someone's session (`?session=<id>&user=<member>` or
 * `?session=<id>&share=<token>`, the links share-panel.ts makes): it signs in as that member with
 * a dev token (or reads with the share token), follows the session's runs live as they start, and
 * shows who is watching. It starts no run; its role (the snapshot's `role`) says whether it may
 * answer a review and steer. docs/sharing.md, "The demo".
 */
import { createClient, type EdgeStreamClient, type RunStream } from "@edge-stream/client";
import type { Role } from "../protocol/roles";
import type { ConnectionView } from "./connection-view";
import { devTokenSource } from "./dev-token";
import { byId } from "./dom";
import { PRESENCE_POLL_MS, type PresenceView, readSnapshot, type SessionAccess } from "./presence-view";

/** Who opens the session, from the page's query. */
export interface WatchTarget {
  sessionId: string;
  user?: string;
  share?: string;
}

export function watchTarget(search: string): WatchTarget | undefined {
  const params = new URLSearchParams(search);
  const sessionId = params.get("session");
  if (!sessionId) return undefined;
  return { sessionId, user: params.get("user") ?? undefined, share: params.get("share") ?? undefined };
}

/** What the page's views do with a followed run. */
export interface RunViews {
  connection: ConnectionView;
  presence: PresenceView;
  /** A run to show, read through `client`, whose token has `role` in the session. */
  attach(run: RunStream, client: EdgeStreamClient, role: Role): void;
}

interface Snapshot {
  active_run_id: string | null;
  role: Role;
  runs: { run_id: string; first_event_id: number }[];
}

/** Follows the session's runs, one after another, until the page closes. */
export async function watchSession(target: WatchTarget, views: RunViews): Promise<void> {
  const tokens = target.user ? devTokenSource(target.user) : undefined;
  const auth = await tokens?.auth();
  byId("auth").textContent = target.share ? "share link (viewer)" : (auth?.description ?? "no token");
  byId("session-id").textContent = target.sessionId;
  document.body.dataset.watching = "true";
  const access: SessionAccess = { sessionId: target.sessionId, bearer: tokens?.token, shareToken: target.share };
  views.presence.watch(access);
  // A share token travels in the URL, which a WebSocket can carry; a member's bearer token needs fetch.
  const client = createClient({ token: tokens?.token, transport: target.share ? "websocket" : "fetch" });
  let following: string | undefined;
  let seen: string | undefined;
  for (;;) {
    const snap = await readSnapshot<Snapshot>(access);
    if (!snap) views.connection.set("failed", "This session is not open to you");
    const wanted = snap?.active_run_id ?? (seen === undefined ? snap?.runs.at(-1)?.run_id : undefined);
    const run = snap?.runs.find((r) => r.run_id === wanted);
    if (snap && run && following === undefined && run.run_id !== seen) {
      byId("role").textContent = snap.role;
      following = seen = run.run_id;
      const stream = client.follow({
        sessionId: target.sessionId,
        runId: run.run_id,
        firstEventId: run.first_event_id,
        token: target.share,
      });
      views.attach(stream, client, snap.role);
      views.connection.log(`Following run ${run.run_id.slice(0, 8)} of session ${target.sessionId.slice(0, 8)}`);
      stream.done
        .catch(() => {})
        .finally(() => {
          following = undefined;
        });
    }
    await new Promise((resolve) => setTimeout(resolve, PRESENCE_POLL_MS));
  }
}
