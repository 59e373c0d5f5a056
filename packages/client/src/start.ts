/**
 * Starting and cancelling a run. Starting is either the POST stream (the transport reads the run's events from the POST's own
 * response) or a 202 answer whose `events_url` the transport then follows. A start is never
 * retried: if the request fails the run may or may not exist, and a second POST could start two.
 */
import type { PipelineDescription, PipelinesResponse } from "../../../src/protocol/pipelines";
import { ClientError } from "./errors";
import { type FetchFn, httpError, serviceUrl, withAuth } from "./http";
import type { ConnectionEnd, RunIds, StartRequest, StartSink } from "./transport";

/** The JSON body of POST /novachat and /loomichat. */
export interface ChatRequestBody {
  message: string;
  session_id?: string;
  options?: Record<string, unknown>;
}

export interface StartConfig {
  /** Absolute base URL of the service; its path is a prefix of every route (see serviceUrl). */
  baseUrl: string;
  /** `/novachat` or `/loomichat`. */
  route: string;
  body: ChatRequestBody;
  /** Last id already seen in the session (0 for a new one): the run's events come after it. */
  afterId: number;
  /** The current bearer token, if any. */
  token(): Promise<string | undefined>;
  fetch: FetchFn;
}

/** A run started with a 202: its ids, where to read its events, and from which id. */
export interface DetachedStart extends RunIds {
  eventsUrl: string;
  afterId: number;
}

export async function startStreaming(
  config: StartConfig,
  start: (request: StartRequest, sink: StartSink) => Promise<ConnectionEnd>,
  signal: AbortSignal,
  sink: StartSink,
): Promise<ConnectionEnd> {
  const token = await config.token();
  const url = serviceUrl(config.baseUrl, config.route);
  return start({ url, body: JSON.stringify(config.body), token, signal }, sink);
}

export async function startDetached(config: StartConfig, signal: AbortSignal): Promise<DetachedStart> {
  const token = await config.token();
  const headers = withAuth({ Accept: "application/json", "Content-Type": "application/json" }, token);
  const response = await config.fetch(serviceUrl(config.baseUrl, config.route), {
    method: "POST",
    headers,
    body: JSON.stringify(config.body),
    signal,
  });
  if (response.status !== 202) throw await httpError(response);
  const body = (await response.json()) as { session_id?: unknown; run_id?: unknown; events_url?: unknown };
  if (typeof body.session_id !== "string" || typeof body.run_id !== "string" || typeof body.events_url !== "string") {
    throw new ClientError("protocol", "202 answer without session_id, run_id and events_url");
  }
  const eventsUrl = serviceUrl(config.baseUrl, body.events_url);
  const from = Number(new URL(eventsUrl).searchParams.get("last_event_id") ?? config.afterId);
  const afterId = Number.isSafeInteger(from) && from >= 0 ? from : config.afterId;
  return { sessionId: body.session_id, runId: body.run_id, eventsUrl, afterId };
}

/** POST /sessions/:id/cancel. True when the server accepted it, false when no run was active (404). */
export async function requestCancel(
  config: Pick<StartConfig, "baseUrl" | "token" | "fetch">,
  sessionId: string,
): Promise<boolean> {
  const token = await config.token();
  const url = serviceUrl(config.baseUrl, `/sessions/${encodeURIComponent(sessionId)}/cancel`);
  const response = await config.fetch(url, {
    method: "POST",
    headers: withAuth({ Accept: "application/json" }, token),
  });
  if (response.status === 404) return false;
  if (!response.ok) throw await httpError(response);
  return true;
}

/** `GET /pipelines`: every registered pipeline (its agents, and its options as JSON Schema). */
export async function listPipelines(
  config: Pick<StartConfig, "baseUrl" | "token" | "fetch">,
): Promise<PipelineDescription[]> {
  const token = await config.token();
  const response = await config.fetch(serviceUrl(config.baseUrl, "/pipelines"), {
    headers: withAuth({ Accept: "application/json" }, token),
  });
  if (!response.ok) throw await httpError(response);
  return ((await response.json()) as PipelinesResponse).pipelines;
}
