/**
 * The description of the AI SDK routes (`useChat` with DefaultChatTransport) for any registered
 * pipeline: a turn, resume and stop. docs/ai-sdk.md has the whole contract.
 */
import { UI_MESSAGE_STREAM_HEADER, UI_MESSAGE_STREAM_VERSION } from "../../protocol/ui-message-stream";
import { ChatId } from "../ai-validation";
import { RUN_ID_HEADER, SESSION_ID_HEADER } from "../headers";
import { ResumePoint } from "../validation";
import { inline, ref } from "./components";
import {
  AUTH_ERRORS,
  BEARER_ONLY,
  errorResponses,
  eventStream,
  headerParam,
  type Json,
  json,
  jsonBody,
  type Operation,
  pathParam,
  queryParam,
  RUN_START_ERRORS,
  responseHeaders,
} from "./operations";
import { pipelineParam } from "./paths-chat";

const STREAM_HEADERS = responseHeaders({
  [UI_MESSAGE_STREAM_HEADER]: `\`${UI_MESSAGE_STREAM_VERSION}\`: the AI SDK's UI message stream protocol`,
  [SESSION_ID_HEADER]: "The chat's session (GET /sessions/{id} works on it)",
  [RUN_ID_HEADER]: "The run (the assistant message's id)",
});

const UI_STREAM =
  "A UI message stream (AI SDK protocol v1): each frame `data: <UiChunk JSON>`, with `id:` lines a " +
  "client may resume from, ending with `data: [DONE]`. One assistant message per run.";

const CHAT_ID = pathParam("chatId", inline(ChatId), "The client's chat id (scoped to the user)");
const PIPELINE = pipelineParam();

function turn(): Operation {
  return {
    operationId: "aiChat",
    summary: "A turn of any registered pipeline for the AI SDK's useChat",
    parameters: [PIPELINE],
    description:
      "The body DefaultChatTransport sends. The chat id names the user's conversation; only the last " +
      "message, the user's, is read (the service's history is the source of truth). " +
      "`trigger: regenerate-message` runs the last user turn again.",
    tags: ["ai-sdk"],
    security: BEARER_ONLY,
    requestBody: jsonBody("AiChatBody"),
    responses: {
      "200": eventStream(ref("UiChunk"), UI_STREAM, STREAM_HEADERS),
      ...errorResponses(RUN_START_ERRORS),
    },
  };
}

function resume(): Operation {
  return {
    operationId: "aiResume",
    summary: "Resume the chat's active run (useChat resume: true)",
    description:
      "The active run's message from its `start`: what is stored as a compact replay (one " +
      "`text-delta` per text part, each data part in its latest state), then live. With " +
      "`message_id`, that run is replayed even if it has just ended. No active run, no such chat " +
      "or another user's chat id: 204.",
    tags: ["ai-sdk"],
    security: BEARER_ONLY,
    parameters: [
      PIPELINE,
      CHAT_ID,
      queryParam("message_id", { type: "string" }, "The run whose message the client holds unfinished"),
      headerParam("Last-Event-ID", inline(ResumePoint), "The last `id:` the client got: the replay goes on after it"),
    ],
    responses: {
      "200": eventStream(ref("UiChunk"), UI_STREAM, STREAM_HEADERS),
      "204": { description: "Nothing to resume" },
      ...errorResponses(["invalid_session_id", "invalid_resume_point", ...AUTH_ERRORS, "not_found", "rate_limited"]),
    },
  };
}

function stop(): Operation {
  return {
    operationId: "aiStop",
    summary: "Cancel the chat's active run",
    description: "The SDK's stop() only disconnects; this ends the run. No active run (or no such chat): 404.",
    tags: ["ai-sdk"],
    security: BEARER_ONLY,
    parameters: [PIPELINE, CHAT_ID],
    responses: {
      "202": json("AiStopAccepted", "The run is being cancelled"),
      ...errorResponses(["invalid_session_id", ...AUTH_ERRORS, "not_found"]),
    },
  };
}

/** `paths` entries of the AI SDK routes. */
export function aiPaths(): Record<string, Json> {
  return {
    "/ai/{pipeline}": { post: turn() },
    "/ai/{pipeline}/{chatId}/stream": { get: resume() },
    "/ai/{pipeline}/{chatId}/stop": { post: stop() },
  };
}
