/**
 * The description of a shared session's members and share links (`/sessions/{id}/members`,
 * `/sessions/{id}/shares`). Only the owner changes them; docs/sharing.md has the contract.
 */
import { UserId } from "../../auth/tokens";
import { ShareId } from "../sharing-schemas";
import { inline } from "./components";
import {
  AUTH_ERRORS,
  BEARER_ONLY,
  errorResponses,
  type Json,
  json,
  jsonBody,
  type Operation,
  pathParam,
  SESSION_ID_PARAM,
} from "./operations";

const USER_ID = pathParam("user_id", inline(UserId), "The member's user id");
const SHARE_ID = pathParam("share_id", inline(ShareId), "The share link's id");

/** What any of these routes may refuse: 404 to a non-member, 403 to a member who is not the owner. */
const REFUSALS = ["invalid_session_id", ...AUTH_ERRORS, "forbidden", "not_found"] as const;

const listMembers: Operation = {
  operationId: "listSessionMembers",
  summary: "The session's owner and members",
  description: "Any member may list them (a share link may not).",
  tags: ["sharing"],
  security: BEARER_ONLY,
  parameters: [SESSION_ID_PARAM],
  responses: { "200": json("MemberList", "The members"), ...errorResponses(REFUSALS) },
};

const putMember: Operation = {
  operationId: "putSessionMember",
  summary: "Add a member or change their role (owner only)",
  description:
    "Logged as a `member_added` event with the owner as `actor` (not when the role is unchanged). " +
    "The owner's own role cannot change; at most 100 members.",
  tags: ["sharing"],
  security: BEARER_ONLY,
  parameters: [SESSION_ID_PARAM],
  requestBody: jsonBody("MemberBody"),
  responses: {
    "200": json("MemberChanged", "The member as now stored"),
    ...errorResponses([...REFUSALS, "invalid_body", "bad_request", "unsupported_media_type", "payload_too_large"]),
  },
};

const removeMember: Operation = {
  operationId: "removeSessionMember",
  summary: "Remove a member (owner only)",
  description:
    "Logged as a `member_removed` event. The member's open event streams and WebSockets on the " +
    "session close within a second (sockets with code 4003).",
  tags: ["sharing"],
  security: BEARER_ONLY,
  parameters: [SESSION_ID_PARAM, USER_ID],
  responses: { "204": { description: "Removed" }, ...errorResponses([...REFUSALS, "bad_request"]) },
};

const listShares: Operation = {
  operationId: "listSessionShares",
  summary: "The session's live share links (owner only)",
  description: "Unexpired, unrevoked links; their tokens are not kept, so not listed.",
  tags: ["sharing"],
  security: BEARER_ONLY,
  parameters: [SESSION_ID_PARAM],
  responses: { "200": json("ShareList", "The links"), ...errorResponses(REFUSALS) },
};

const createShare: Operation = {
  operationId: "createSessionShare",
  summary: "Make a share link (owner only)",
  description:
    "Its token reads this session (viewer rights: snapshot, events, WebSocket) as `?token=`, " +
    "without a user account, until it expires or is revoked. It opens no other session.",
  tags: ["sharing"],
  security: BEARER_ONLY,
  parameters: [SESSION_ID_PARAM],
  requestBody: jsonBody("ShareBody"),
  responses: {
    "201": json("ShareCreated", "The link and its token"),
    ...errorResponses([...REFUSALS, "invalid_body", "bad_request", "unsupported_media_type", "payload_too_large"]),
  },
};

const revokeShare: Operation = {
  operationId: "revokeSessionShare",
  summary: "Revoke a share link at once (owner only)",
  description: "Streams and sockets opened with it close within a second; its token opens nothing any more.",
  tags: ["sharing"],
  security: BEARER_ONLY,
  parameters: [SESSION_ID_PARAM, SHARE_ID],
  responses: { "204": { description: "Revoked" }, ...errorResponses([...REFUSALS, "bad_request"]) },
};

/** `paths` entries of the sharing routes. */
export function sharingPaths(): Record<string, Json> {
  return {
    "/sessions/{id}/members": { get: listMembers, post: putMember },
    "/sessions/{id}/members/{user_id}": { delete: removeMember },
    "/sessions/{id}/shares": { get: listShares, post: createShare },
    "/sessions/{id}/shares/{share_id}": { delete: revokeShare },
  };
}
