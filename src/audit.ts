/**
 * The audit log: one JSON object a line on stdout (Workers Logs / `wrangler tail` pick it up).
 * Records say who did what to which session and run; by construction they carry no message
 * content and no token: only the fields of AuditFields are written, each a short identifier.
 */

/** Every audited action. */
export const AUDIT_EVENTS = {
  SESSION_CREATED: "session_created",
  RUN_STARTED: "run_started",
  RUN_FINISHED: "run_finished",
  RUN_CANCELLED: "run_cancelled",
  /** The watchdog found a run stalled and restarted its session object (src/session/run-watchdog.ts). */
  RUN_STALLED: "run_stalled",
  SESSION_DELETED: "session_deleted",
  SESSION_EXPIRED: "session_expired",
  AUTH_REFUSED: "auth_refused",
  /** A member of a session asked for something their role does not allow (a 403; docs/sharing.md). */
  ACCESS_REFUSED: "access_refused",
  /** A development configuration refused a request from another machine (src/http/dev-guard.ts). */
  CONFIG_REFUSED: "config_refused",
  LIMIT_HIT: "limit_hit",
  /** A member added to a shared session, or their role changed (docs/sharing.md). */
  MEMBER_ADDED: "member_added",
  MEMBER_REMOVED: "member_removed",
  SHARE_CREATED: "share_created",
  SHARE_REVOKED: "share_revoked",
  /** A person answered a run's review (`POST /sessions/:id/input`; `action` says how). */
  REVIEW_ANSWERED: "review_answered",
  /** A person added a message to a running run (`POST /sessions/:id/messages`). */
  MESSAGE_SENT: "message_sent",
} as const;
export type AuditEvent = (typeof AUDIT_EVENTS)[keyof typeof AUDIT_EVENTS];

/** What an audit record may say. Free text is limited to `reason`, which callers set from fixed strings. */
export interface AuditFields {
  user_id?: string | null;
  session_id?: string | null;
  run_id?: string | null;
  /** Why (auth refused, limit hit): a fixed short phrase, never request content. */
  reason?: string;
  /** Which limit was hit. */
  limit?: string;
  /** A run's final status. */
  status?: string;
  method?: string;
  /** Request path (no query string: read tokens travel there). */
  path?: string;
  /** The member a membership change is about (`user_id` is who made it). */
  member_id?: string;
  /** The role granted (a member's, a share link's). */
  role?: string;
  share_id?: string;
  /** A review's answer: approve, revise or edit (never the feedback or text itself). */
  action?: string;
}

/** Longest value written for any field: ids are short; anything longer is a hostile path or sub. */
export const AUDIT_MAX_FIELD_CHARS = 200;

const FIELDS: readonly (keyof AuditFields)[] = [
  "user_id",
  "session_id",
  "run_id",
  "reason",
  "limit",
  "status",
  "method",
  "path",
  "member_id",
  "role",
  "share_id",
  "action",
];

/** The audit line for an event (pure; exported for tests). */
export function auditLine(event: AuditEvent, fields: AuditFields, now = new Date()): string {
  const record: Record<string, string | null> = { type: "audit", event, time: now.toISOString() };
  for (const key of FIELDS) {
    const value = fields[key];
    if (value === undefined) continue;
    record[key] = value === null ? null : String(value).slice(0, AUDIT_MAX_FIELD_CHARS);
  }
  return JSON.stringify(record);
}

/** Writes one audit record. */
export function audit(event: AuditEvent, fields: AuditFields): void {
  console.log(auditLine(event, fields));
}
