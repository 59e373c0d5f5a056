/**
 * The description of the Durable Streams routes (docs/durable-streams.md): the protocol's five
 * operations on `/v1/stream/{path}`, and a session's log read as a read-only stream. The wire
 * details (offsets, live modes, producers) are the protocol's; this names the parts a client sets.
 */
import { DS_HEADERS } from "../../protocol/durable-streams/headers";
import {
  AUTH_ERRORS,
  BEARER_ONLY,
  BEARER_OR_READ_TOKEN,
  errorResponses,
  headerParam,
  type Json,
  type Operation,
  pathParam,
  queryParam,
  responseHeaders,
  SESSION_ID_PARAM,
} from "./operations";

const TAGS = ["durable-streams"];
const STRING = { type: "string" };
const PATH = pathParam("path", { type: "string", maxLength: 512 }, "The stream's path (may contain `/`)");

const READ_PARAMS = [
  queryParam("offset", STRING, "Where to read from: `-1` (the start, default), `now` (the tail) or a returned offset"),
  queryParam("live", { type: "string", enum: ["long-poll", "sse"] }, "Wait for data (long-poll) or stream it (SSE)"),
  queryParam("cursor", STRING, "The last `Stream-Cursor`, echoed"),
  headerParam("If-None-Match", STRING, "A previous ETag: 304 when unchanged"),
];
const STATE = responseHeaders({
  [DS_HEADERS.nextOffset]: "The offset to read from next (the tail after a write)",
  [DS_HEADERS.upToDate]: "`true` when the answer reaches the tail",
  [DS_HEADERS.closed]: "`true` when the stream is closed and the answer reaches its end",
  [DS_HEADERS.cursor]: "Live reads: the cursor to echo",
  ETag: "Catch-up reads: the page's entity tag",
});
const ANY = { "*/*": { schema: { type: "string", format: "binary" } } };
const READ_ANSWERS = {
  "200": {
    description:
      "The data from the offset (a JSON array in JSON mode), or an SSE stream of `data` and `control` events",
    headers: STATE,
    content: { ...ANY, "text/event-stream": { schema: STRING } },
  },
  "204": { description: "Long-poll: no data before the timeout (or the stream is closed)", headers: STATE },
  "304": { description: "Unchanged since the given ETag" },
};
const WRITE_ERRORS = ["bad_request", "invalid_body", ...AUTH_ERRORS, "not_found", "payload_too_large"] as const;

const operation = (op: Json & Pick<Operation, "operationId" | "summary" | "responses">): Operation => ({
  ...op,
  tags: TAGS,
});

const stream: Json = {
  parameters: [PATH],
  put: operation({
    operationId: "createStream",
    summary: "Create a stream (or confirm an identical one), optionally closed, with a TTL, or as a fork",
    security: BEARER_ONLY,
    parameters: [
      DS_HEADERS.ttl,
      DS_HEADERS.expiresAt,
      DS_HEADERS.closed,
      DS_HEADERS.forkedFrom,
      DS_HEADERS.forkOffset,
      DS_HEADERS.forkSubOffset,
    ].map((name) => headerParam(name, STRING, `The protocol's \`${name}\``)),
    requestBody: { required: false, content: ANY },
    responses: {
      "200": { description: "An identical stream exists", headers: STATE },
      "201": { description: "Created; `X-Read-Token` opens it for reading (GET, HEAD) with `?token=`", headers: STATE },
      ...errorResponses([...WRITE_ERRORS, "conflict"]),
    },
  }),
  post: operation({
    operationId: "appendToStream",
    summary: "Append (and optionally close), with Stream-Seq ordering or as an idempotent producer",
    security: BEARER_ONLY,
    parameters: [
      DS_HEADERS.seq,
      DS_HEADERS.closed,
      DS_HEADERS.producerId,
      DS_HEADERS.producerEpoch,
      DS_HEADERS.producerSeq,
    ].map((name) => headerParam(name, STRING, `The protocol's \`${name}\``)),
    requestBody: { required: false, content: ANY },
    responses: {
      "200": { description: "A producer's data was appended", headers: STATE },
      "204": { description: "Appended, closed, or a producer's duplicate", headers: STATE },
      ...errorResponses([
        ...WRITE_ERRORS,
        "stale_producer_epoch",
        "stream_closed",
        "content_type_mismatch",
        "sequence_conflict",
        "producer_sequence_gap",
        "gone",
      ]),
    },
  }),
  get: operation({
    operationId: "readStream",
    summary: "Read from an offset: catch-up, long-poll or SSE",
    security: BEARER_OR_READ_TOKEN,
    parameters: READ_PARAMS,
    responses: {
      ...READ_ANSWERS,
      ...errorResponses(["invalid_query", "bad_request", ...AUTH_ERRORS, "not_found", "gone"]),
    },
  }),
  head: operation({
    operationId: "headStream",
    summary: "The stream's content type, tail, closure and lifetime, without data",
    security: BEARER_OR_READ_TOKEN,
    responses: {
      "200": { description: "The stream exists", headers: STATE },
      "404": { description: "No such stream" },
      "410": { description: "Deleted; forks still use it" },
    },
  }),
  delete: operation({
    operationId: "deleteStream",
    summary: "Delete the stream (soft-deleted while forks of it exist)",
    security: BEARER_ONLY,
    responses: {
      "204": { description: "Deleted" },
      ...errorResponses(["bad_request", ...AUTH_ERRORS, "not_found", "gone"]),
    },
  }),
};

const readOnly = (method: string): Operation =>
  operation({
    operationId: `${method}SessionStream`,
    summary: "Refused: a session read as a stream is read-only",
    security: BEARER_ONLY,
    responses: errorResponses(["method_not_allowed", ...AUTH_ERRORS]),
  });

const sessionStream: Json = {
  parameters: [SESSION_ID_PARAM],
  get: operation({
    operationId: "readSessionStream",
    summary: "A session's event log as a JSON-mode stream (the offset after event n is position n)",
    security: BEARER_OR_READ_TOKEN,
    parameters: READ_PARAMS,
    responses: {
      ...READ_ANSWERS,
      ...errorResponses(["invalid_query", "invalid_session_id", ...AUTH_ERRORS, "not_found"]),
    },
  }),
  head: operation({
    operationId: "headSessionStream",
    summary: "The session stream's tail",
    security: BEARER_OR_READ_TOKEN,
    responses: {
      "200": { description: "The session exists", headers: STATE },
      "404": { description: "No such session" },
    },
  }),
  put: readOnly("put"),
  post: readOnly("post"),
  delete: readOnly("delete"),
};

/** `paths` entries of the Durable Streams routes. */
export function streamPaths(): Record<string, Json> {
  return { "/v1/stream/sessions/{id}": sessionStream, "/v1/stream/{path}": stream };
}
