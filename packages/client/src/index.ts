/**
 * Browser client for the edge-stream API: start runs of any pipeline (`client.run(name, ...)`,
 * `client.novachat`, `client.loomichat`; `client.pipelines()` lists them) and follow their events with
 * exactly-once, in-order delivery across reconnects, a reconstructed view of every agent's text,
 * and an integrity check at the end. Runs in browsers, Node (the versions in package.json `engines`) and workers (fetch + streams).
 *
 *   const client = createClient({ token: () => getToken() });
 *   const run = client.novachat("Launch post for a solar backpack");
 *   run.on("llm_chunk", (e) => render(e.agent_source, run.view.agents[e.agent_source].text));
 *   const result = await run.done; // verified final texts
 */

export type {
  EventType,
  Mode,
  PayloadMap,
  RunStatus,
  StreamEvent,
} from "../../../src/protocol/events";
export { EVENT_TYPES, MODES, REVIEW_ACTIONS, RUN_STATUSES } from "../../../src/protocol/events";
export type { PipelineAgentDescription, PipelineDescription } from "../../../src/protocol/pipelines";
export type { AgentTexts } from "../../../src/protocol/reconstruct";
export type { Watcher } from "../../../src/protocol/ws";
export { type BackoffOptions, DEFAULT_BACKOFF } from "./backoff";
export { type ClientOptions, createClient, EdgeStreamClient, type FollowedRun, type RunOptions } from "./client";
export {
  ClientError,
  type ClientErrorCode,
  HttpError,
  IntegrityError,
  type IntegrityMismatch,
} from "./errors";
export { type EventSourceConstructor, type EventSourceLike, eventSourceTransport } from "./eventsource-transport";
export { DEFAULT_IDLE_TIMEOUT_MS, type FetchTransportOptions, fetchTransport } from "./fetch-transport";
export type { ClientHandlers, ConnectedInfo, DisconnectedInfo, ReconnectingInfo } from "./handlers";
export type { FetchFn, TokenSource } from "./http";
export type { InputAccepted, ReviewAnswer } from "./interaction";
export type { RunResult, RunStream } from "./run-stream";
export type { AgentStatus, AgentView, RunView } from "./run-view";
export type {
  ConnectionEnd,
  ConnectRequest,
  RunIds,
  StartRequest,
  StartSink,
  Transport,
  TransportSink,
} from "./transport";
export {
  DEFAULT_PING_INTERVAL_MS,
  type WebSocketConstructor,
  type WebSocketLike,
  type WebSocketTransportOptions,
  webSocketTransport,
} from "./websocket-transport";
