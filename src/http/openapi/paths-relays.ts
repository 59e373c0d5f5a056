/**
 * The description of `/sessions/{id}/relay/{n}/stream` (RELAYS=on, a prototype: docs/scale.md):
 * the session's events through its relay `n`, resumable as the session's own stream.
 */
import { MAX_RELAYS_PER_SESSION } from "../../relay/relay-names";
import { ResumePoint } from "../validation";
import { inline, ref } from "./components";
import {
  AUTH_ERRORS,
  BEARER_OR_READ_TOKEN,
  errorResponses,
  eventStream,
  headerParam,
  type Json,
  type Operation,
  pathParam,
  queryParam,
  SESSION_HEADER,
  SESSION_ID_PARAM,
} from "./operations";

const relayStream: Operation = {
  operationId: "streamSessionEventsThroughRelay",
  summary: "The session's event log as SSE, through one of its relays",
  description:
    "Only with RELAYS=on (otherwise 404 like any unknown route). The same events, ids and bytes as " +
    "`/sessions/{id}/events`, served by relay object `n` from its copy of the log, so a follower may " +
    "resume on any relay with `Last-Event-ID`. Whoever may read the session may follow it here; the " +
    "stream stays open across runs and ends when the caller loses access or the session is deleted. It " +
    "counts as one of the user's open streams (MAX_STREAMS_PER_USER), and each relay serves at most " +
    "MAX_STREAMS_PER_SESSION followers: 429 with Retry-After past either. docs/scale.md.",
  tags: ["sessions"],
  security: BEARER_OR_READ_TOKEN,
  parameters: [
    SESSION_ID_PARAM,
    pathParam(
      "n",
      { type: "integer", minimum: 0, maximum: MAX_RELAYS_PER_SESSION - 1 },
      "Which relay of the session serves this follower",
    ),
    headerParam("Last-Event-ID", inline(ResumePoint), "Resume after this event id (wins over `last_event_id`)"),
    queryParam(
      "last_event_id",
      inline(ResumePoint),
      "Resume after this event id (for clients that cannot set headers)",
    ),
  ],
  responses: {
    "200": eventStream(ref("StreamEvent"), "The events after the resume point, then live", SESSION_HEADER),
    ...errorResponses([
      "bad_request",
      "invalid_session_id",
      "invalid_resume_point",
      ...AUTH_ERRORS,
      "not_found",
      "rate_limited",
    ]),
  },
};

/** `paths` entries of the relay routes. */
export function relayPaths(): Record<string, Json> {
  return { "/sessions/{id}/relay/{n}/stream": { get: relayStream } };
}
