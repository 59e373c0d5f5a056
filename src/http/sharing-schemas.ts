/**
 * Request and response bodies of the sharing routes (sharing-routes.ts, docs/sharing.md), and
 * presence as the snapshot shows it. The response types are checked against what the session
 * object returns at the end of this file.
 */
import { z } from "zod";
import { UserId } from "../auth/tokens";
import type { Equal } from "../lib/type-equal";
import { GRANTABLE_ROLES, ROLES } from "../protocol/roles";
import type { Watcher as WatcherType } from "../protocol/ws";
import type { Member as StoredMember } from "../session/member-store";

/** Shortest and longest life of a share link, seconds, and what a link gets when none is asked. */
export const SHARE_TTL = { MIN: 60, MAX: 30 * 24 * 3600, DEFAULT: 24 * 3600 } as const;

export const GrantableRole = z.enum(GRANTABLE_ROLES);

/** `POST /sessions/{id}/members`. */
export const MemberBody = z.object({ user_id: UserId, role: GrantableRole }).strict();

/** `POST /sessions/{id}/shares`: a share link only ever reads (viewer). */
export const ShareBody = z
  .object({
    role: z.literal(ROLES.VIEWER).default(ROLES.VIEWER),
    ttl_seconds: z.number().int().min(SHARE_TTL.MIN).max(SHARE_TTL.MAX).default(SHARE_TTL.DEFAULT),
  })
  .strict();

/** A share link's id. */
export const ShareId = z.uuid();

export const Member = z.object({
  user_id: z.string(),
  role: GrantableRole,
  added_by: z.string().describe("Who added them or last changed their role"),
  added_at: z.string().describe("ISO 8601, when first added"),
});

/** `GET /sessions/{id}/members`. */
export const MemberList = z.object({ session_id: z.string(), owner: z.string(), members: z.array(Member) });
export type MemberList = z.infer<typeof MemberList>;

/** `POST /sessions/{id}/members`. */
export const MemberChanged = z.object({
  session_id: z.string(),
  member: Member,
  changed: z.boolean().describe("false: they already had this role (nothing logged)"),
});
export type MemberChanged = z.infer<typeof MemberChanged>;

const ShareFields = {
  share_id: ShareId,
  role: z.literal(ROLES.VIEWER),
  created_by: z.string(),
  created_at: z.string(),
  expires_at: z.string().describe("ISO 8601"),
};

/** `POST /sessions/{id}/shares`. */
export const ShareCreated = z.object({
  session_id: z.string(),
  ...ShareFields,
  token: z
    .string()
    .describe("Opens GET /sessions/{id}, /events and /ws of this session as ?token= until revoked or expired"),
  url: z.string().describe("The session's snapshot with the token: GET it, or its /events and /ws"),
});
export type ShareCreated = z.infer<typeof ShareCreated>;

/** `GET /sessions/{id}/shares`: the live links (tokens are not kept, so not listed). */
export const ShareList = z.object({ session_id: z.string(), shares: z.array(z.object(ShareFields)) });
export type ShareList = z.infer<typeof ShareList>;

/** One watcher in a snapshot's `watching` and a WebSocket `presence` message. */
export const Watcher = z.object({
  id: z.string().describe("A user id, or share:<id> for a share link"),
  transport: z.enum(["sse", "ws"]),
  streams: z.number().int().min(1),
});

export const SHARING_SCHEMAS_MATCH: [
  Equal<z.infer<typeof Member>, StoredMember>,
  Equal<z.infer<typeof Watcher>, WatcherType>,
] = [true, true];
