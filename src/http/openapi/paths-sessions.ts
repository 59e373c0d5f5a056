/**
 * The description of `/sessions/{id}`: snapshot, event stream (SSE, resumable), WebSocket, cancel
 * and delete. Each answers 404 to whoever has no role in the session, as for one that never
 * existed, and 403 to a member whose role does not allow it (docs/sharing.md).
 */
import { ResumePoint } from "../validation";
import { inline, ref } from "./components";
import {
  AUTH_ERRORS,
  BEARER_ONLY,
  BEARER_OR_READ_TOKEN,
  errorResponses,
  eventStream,
  headerParam,
  type Json,
  json,
  type Operation,
  queryParam,
  SESSION_HEADER,
  SESSION_ID_PARAM,
} from "./operations";

const RESUME_PARAMETERS = [
  headerParam("Last-Event-ID", inline(ResumePoint), "Resume after this event id (wins over `last_event_id`)"),
  queryParam("last_event_id", inline(ResumePoint), "Resume after this event id (for clients that cannot set headers)"),
];

const READ_ERRORS = errorResponses([
  "invalid_session_id",
  "invalid_resume_point",
  ...AUTH_ERRORS,
  "not_found",
  "rate_limited",
]);

const snapshot: Operation = {
  operationId: "getSession",
  summary: "A session's snapshot",
  description:
    "Status, active run, newest event id, every run with its per-agent text, times, the caller's " +
    "role and who is watching now (presence). Any member or share link may read it.",
  tags: ["sessions"],
  security: BEARER_OR_READ_TOKEN,
  parameters: [SESSION_ID_PARAM],
  responses: {
    "200": json("SessionSnapshot", "The snapshot"),
    ...errorResponses(["invalid_session_id", ...AUTH_ERRORS, "not_found"]),
  },
};

const events: Operation = {
  operationId: "streamSessionEvents",
  summary: "The session's event log as SSE, resumable",
  description:
    "Replays the log after the resume point, then streams live until the session is idle. Each " +
    "frame is `id: <event id>` and `data: <StreamEvent JSON>`; `retry:` is advertised and `: heartbeat` " +
    "comments keep an idle stream open. Reconnect with `Last-Event-ID` (EventSource does it itself): " +
    "nothing is lost or repeated. docs/protocol.md has the whole wire format.",
  tags: ["sessions"],
  security: BEARER_OR_READ_TOKEN,
  parameters: [SESSION_ID_PARAM, ...RESUME_PARAMETERS],
  responses: {
    "200": eventStream(
      ref("StreamEvent"),
      "The events after the resume point; each `data:` line is one StreamEvent",
      SESSION_HEADER,
    ),
    "204": { description: "Caught up and idle: nothing more will come" },
    ...READ_ERRORS,
  },
};

const socket: Operation = {
  operationId: "openSessionSocket",
  summary: "The session's event log over a WebSocket",
  description:
    "A WebSocket upgrade (hibernation API). The server sends one JSON array of StreamEvents per " +
    'flush, or a control object (`{"type":"error","error":{code,message}}`, ' +
    '`{"type":"cancelling","run_id"}`, `{"type":"presence","watching":[Watcher]}` whenever who watches changes). ' +
    'A socket whose caller loses access is closed with 4003. The client sends `{"type":"resume","last_event_id":N}`, ' +
    '`{"type":"cancel"}` (not with a read token: `forbidden`), `{"type":"ack","received":N}` ' +
    "(flow control) or the text `ping`. docs/protocol.md has the whole protocol.",
  tags: ["sessions"],
  security: BEARER_OR_READ_TOKEN,
  parameters: [
    SESSION_ID_PARAM,
    headerParam("Upgrade", { type: "string", const: "websocket" }, "Must be `websocket`", true),
    ...RESUME_PARAMETERS,
  ],
  responses: {
    "101": { description: "Switching Protocols: the socket is open and replays after the resume point" },
    ...errorResponses([
      "invalid_session_id",
      "invalid_resume_point",
      ...AUTH_ERRORS,
      "not_found",
      "upgrade_required",
      "rate_limited",
    ]),
  },
};

const cancel: Operation = {
  operationId: "cancelSessionRun",
  summary: "Cancel the session's active run",
  description:
    "The run's stream ends with `run_complete` status `cancelled`. No active run: 404. The owner " +
    "or an editor; a viewer gets 403.",
  tags: ["sessions"],
  security: BEARER_ONLY,
  parameters: [SESSION_ID_PARAM],
  responses: {
    "202": json("CancelAccepted", "The run is being cancelled"),
    ...errorResponses(["invalid_session_id", ...AUTH_ERRORS, "forbidden", "not_found"]),
  },
};

const remove: Operation = {
  operationId: "deleteSession",
  summary: "Delete a session and all its data",
  description: "The owner only (members get 403). Frees its place under MAX_SESSIONS_PER_USER; later requests get 404.",
  tags: ["sessions"],
  security: BEARER_ONLY,
  parameters: [SESSION_ID_PARAM],
  responses: {
    "204": { description: "Deleted" },
    ...errorResponses(["invalid_session_id", ...AUTH_ERRORS, "forbidden", "not_found"]),
  },
};

/** `paths` entries of the session routes. */
export function sessionPaths(): Record<string, Json> {
  return {
    "/sessions/{id}": { get: snapshot, delete: remove },
    "/sessions/{id}/events": { get: events },
    "/sessions/{id}/ws": { get: socket },
    "/sessions/{id}/cancel": { post: cancel },
  };
}
