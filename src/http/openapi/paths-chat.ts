/**
 * The description of the run-starting routes: `POST /runs/{pipeline}` for any registered pipeline,
 * and the seed's `POST /novachat` (Nova3) and `POST /loomichat` (Loomi).
 */
import { listPipelines } from "../../agents/pipelines";
import { MODES, type Mode } from "../../protocol/events";
import { ref } from "./components";
import {
  BEARER_ONLY,
  errorResponses,
  eventStream,
  type Json,
  json,
  jsonBody,
  type Operation,
  pathParam,
  RUN_HEADERS,
  RUN_START_ERRORS,
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

/** The pipeline parameter of a path: a registered pipeline's name. */
export function pipelineParam(): Json {
  const names = listPipelines().map((p) => p.name);
  return pathParam("pipeline", { type: "string", enum: names }, "A registered pipeline (GET /pipelines); another: 404");
}

function chatOperation(mode: Mode | undefined): Operation {
  const { name, what } = mode
    ? PIPELINES[mode]
    : { name: "Pipeline", what: "any registered pipeline (options checked against its schema, GET /pipelines)" };
  return {
    operationId: `start${name}Run`,
    summary: `Start a ${mode ? name : "pipeline"} run and stream its events`,
    ...(mode ? {} : { parameters: [pipelineParam()] }),
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
      ...errorResponses(RUN_START_ERRORS),
    },
  };
}

/** `paths` entries of the chat routes. */
export function chatPaths(): Record<string, Json> {
  return {
    "/runs/{pipeline}": { post: chatOperation(undefined) },
    ...Object.fromEntries(
      (Object.keys(PIPELINES) as Mode[]).map((mode) => [PIPELINES[mode].path, { post: chatOperation(mode) }]),
    ),
  };
}
