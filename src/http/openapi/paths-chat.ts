/** The description of the chat routes: `POST /novachat` (Nova3) and `POST /loomichat` (Loomi). */
import { MODES, type Mode } from "../../protocol/events";
import { ref } from "./components";
import {
  AUTH_ERRORS,
  BEARER_ONLY,
  errorResponses,
  eventStream,
  type Json,
  json,
  jsonBody,
  type Operation,
  RUN_HEADERS,
} from "./operations";

const PIPELINES: Record<Mode, { path: string; name: string; what: string }> = {
  [MODES.NOVA3]: {
    path: "/novachat",
    name: "Nova3",
    what: "the Nova3 pipeline (research, content, optimization agents)",
  },
  [MODES.LOOMI]: {
    path: "/loomichat",
    name: "Loomi",
    what: "the Loomi concierge (remembers the session's earlier turns)",
  },
};

function chatOperation(mode: Mode): Operation {
  const { name, what } = PIPELINES[mode];
  return {
    operationId: `start${name}Run`,
    summary: `Start a ${name} run and stream its events`,
    description:
      `Starts a run of ${what} in a session (a new one without \`session_id\`). By default answers ` +
      "`200 text/event-stream` with the run's events, first to terminal (`run_complete`). With " +
      "`Accept: application/json` (without `text/event-stream`) answers `202` with where to read " +
      "them, and the run goes on. " +
      "A run already active in the session: `409 run_active`.",
    tags: ["chat"],
    security: BEARER_ONLY,
    requestBody: jsonBody("ChatBody"),
    responses: {
      "200": eventStream(
        ref("StreamEvent"),
        "The run's events as SSE; each `data:` line is one StreamEvent",
        RUN_HEADERS,
      ),
      "202": json("RunAccepted", "The run started; its events are at `events_url`", RUN_HEADERS),
      ...errorResponses([
        "invalid_body",
        ...AUTH_ERRORS,
        "not_found",
        "run_active",
        "payload_too_large",
        "session_full",
        "unsupported_media_type",
        "rate_limited",
      ]),
    },
  };
}

/** `paths` entries of the chat routes. */
export function chatPaths(): Record<string, Json> {
  return Object.fromEntries(
    (Object.keys(PIPELINES) as Mode[]).map((mode) => [PIPELINES[mode].path, { post: chatOperation(mode) }]),
  );
}
