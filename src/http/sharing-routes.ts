/**
 * `/sessions/:id/members` and `/sessions/:id/shares`: a shared session's members and share links
 * (docs/sharing.md). The session object decides who may (src/session/access.ts); each change is
 * audited here.
 */
import { Hono } from "hono";
import { AUDIT_EVENTS, audit } from "../audit";
import { signShareToken } from "../auth/share-tokens";
import { UserId } from "../auth/tokens";
import type { AppEnv } from "./app-env";
import { callerOf } from "./caller";
import { ApiError, unwrap } from "./errors";
import { requireJson } from "./middleware";
import { sessionStub } from "./session-client";
import {
  MemberBody,
  type MemberChanged,
  type MemberList,
  ShareBody,
  type ShareCreated,
  ShareId,
  type ShareList,
} from "./sharing-schemas";
import { SessionParam, validate } from "./validation";

const iso = (ms: number) => new Date(ms).toISOString();

/** The `:user_id` of a path, or a 400 naming what is wrong with it. */
function memberParam(raw: string | undefined): string {
  const parsed = UserId.safeParse(raw);
  if (!parsed.success)
    throw new ApiError("bad_request", `user_id: ${parsed.error.issues[0]?.message ?? "not a user id"}`);
  return parsed.data;
}

export const sharingRoutes = new Hono<AppEnv>()
  .get("/:id/members", validate("param", SessionParam), async (c) => {
    const { id } = c.req.valid("param");
    const { owner, members } = unwrap(await sessionStub(c.env, id).listMembers(callerOf(c)));
    return c.json({ session_id: id, owner, members } satisfies MemberList);
  })
  .post("/:id/members", validate("param", SessionParam), requireJson, validate("json", MemberBody), async (c) => {
    const { id } = c.req.valid("param");
    const { user_id, role } = c.req.valid("json");
    const caller = callerOf(c);
    const { member, changed } = unwrap(await sessionStub(c.env, id).putMember(caller, user_id, role));
    if (changed) {
      audit(AUDIT_EVENTS.MEMBER_ADDED, { user_id: caller.userId, session_id: id, member_id: user_id, role });
    }
    return c.json({ session_id: id, member, changed } satisfies MemberChanged);
  })
  .delete("/:id/members/:user_id", validate("param", SessionParam), async (c) => {
    const { id } = c.req.valid("param");
    const userId = memberParam(c.req.param("user_id"));
    const caller = callerOf(c);
    const { role } = unwrap(await sessionStub(c.env, id).removeMember(caller, userId));
    audit(AUDIT_EVENTS.MEMBER_REMOVED, { user_id: caller.userId, session_id: id, member_id: userId, role });
    return c.body(null, 204);
  })
  .get("/:id/shares", validate("param", SessionParam), async (c) => {
    const { id } = c.req.valid("param");
    const { shares } = unwrap(await sessionStub(c.env, id).listShares(callerOf(c)));
    const listed = shares.map((share) => ({
      ...share,
      role: "viewer" as const,
      expires_at: iso(share.expires_at),
    }));
    return c.json({ session_id: id, shares: listed } satisfies ShareList);
  })
  .post("/:id/shares", validate("param", SessionParam), requireJson, validate("json", ShareBody), async (c) => {
    const { id } = c.req.valid("param");
    const { role, ttl_seconds } = c.req.valid("json");
    const caller = callerOf(c);
    const share = unwrap(await sessionStub(c.env, id).createShare(caller, role, ttl_seconds));
    const token = await signShareToken(
      c.get("authSecret"),
      { sessionId: id, shareId: share.share_id },
      share.expires_at,
    );
    const url = new URL(`/sessions/${id}?token=${encodeURIComponent(token)}`, c.req.url).toString();
    audit(AUDIT_EVENTS.SHARE_CREATED, { user_id: caller.userId, session_id: id, share_id: share.share_id, role });
    const created = {
      session_id: id,
      share_id: share.share_id,
      role,
      created_by: share.created_by,
      created_at: share.created_at,
      expires_at: iso(share.expires_at),
      token,
      url,
    };
    return c.json(created satisfies ShareCreated, 201);
  })
  .delete("/:id/shares/:share_id", validate("param", SessionParam), async (c) => {
    const { id } = c.req.valid("param");
    const shareId = ShareId.safeParse(c.req.param("share_id"));
    if (!shareId.success) throw new ApiError("bad_request", "share_id: must be a share link's id (a UUID)");
    const caller = callerOf(c);
    unwrap(await sessionStub(c.env, id).revokeShare(caller, shareId.data));
    audit(AUDIT_EVENTS.SHARE_REVOKED, { user_id: caller.userId, session_id: id, share_id: shareId.data });
    return c.body(null, 204);
  });
