/**
 * The AI SDK's UI message stream (protocol v1), as far as this service speaks it: the chunk types
 * it sends, the data parts it defines, and the SSE framing (`data: <chunk JSON>`, an `id:` line with
 * the service event id, `data: [DONE]` at the end). Pure definitions, tested on exact bytes; the
 * mapping from service events lives in ui-message-mapper.ts. Nothing here depends on the `ai`
 * package: the tests check that these types are assignable to its `UIMessageChunk`.
 */
import { encodeEventFrame } from "./sse";

/** The response header a UI message stream carries, and its value. */
export const UI_MESSAGE_STREAM_HEADER = "x-vercel-ai-ui-message-stream";
export const UI_MESSAGE_STREAM_VERSION = "v1";

/** The chunk types this service sends. */
export const UI_CHUNK_TYPES = {
  START: "start",
  TEXT_START: "text-start",
  TEXT_DELTA: "text-delta",
  TEXT_END: "text-end",
  DATA_AGENT: "data-agent",
  DATA_PROGRESS: "data-progress",
  ERROR: "error",
  ABORT: "abort",
  FINISH: "finish",
} as const;

/** Id of the one `data-progress` part of a message. */
export const PROGRESS_PART_ID = "progress";

/** Key of this service's entry in a text part's `providerMetadata`. */
export const PROVIDER_KEY = "edgeStream";

/** An agent's state as its `data-agent` part shows it. */
export type AgentPartStatus = "pending" | "running" | "complete" | "failed" | "skipped" | "cancelled";

/** `data` of a `data-agent` part (id = agent name), replaced in place as the agent goes on. */
export interface AgentPartData {
  name: string;
  task: string;
  uses: string[];
  required: boolean;
  status: AgentPartStatus;
  /** Failed attempts retried so far. */
  retries: number;
  model?: string;
  /** The latest failure, retried or final. */
  error?: string;
  /** Id of the text part that holds the agent's current text (`name`, or `name#k` after a discarded attempt). */
  text_part?: string;
}

/** `data` of the `data-progress` part: the service's `progress` payload. */
export interface ProgressPartData {
  completed_steps: number;
  total_steps: number;
  percent: number;
  stage: string;
}

/** `messageMetadata` of the `start` chunk. */
export interface StartMetadata {
  session_id: string;
  run_id: string;
  pipeline: string;
}

/**
 * `providerMetadata.edgeStream` of a text part: whose text it is, and whether the service discarded
 * it. A type alias, not an interface, so it fits the AI SDK's JSON-object metadata type.
 */
export type TextPartMetadata = {
  agent: string;
  /** The attempt that began this part (1 = the agent's first). */
  attempt: number;
  /** Set on `text-end` of a failed attempt's part: the service dropped this text (docs/ai-sdk.md). */
  discarded?: boolean;
};
export type ProviderMetadata = { [PROVIDER_KEY]: TextPartMetadata };

export type FinishReason = "stop" | "error" | "other";

export type UiChunk =
  | { type: "start"; messageId: string; messageMetadata: StartMetadata }
  | { type: "text-start"; id: string; providerMetadata: ProviderMetadata }
  | { type: "text-delta"; id: string; delta: string }
  | { type: "text-end"; id: string; providerMetadata?: ProviderMetadata }
  | { type: "data-agent"; id: string; data: AgentPartData }
  | { type: "data-progress"; id: string; data: ProgressPartData }
  | { type: "error"; errorText: string }
  | { type: "abort"; reason: string }
  | { type: "finish"; finishReason: FinishReason; messageMetadata: { status: string } };

/** The frame that ends every UI message stream. */
export const DONE_FRAME = "data: [DONE]\n\n";

/**
 * Encodes one chunk as an SSE frame. `id` (the service event id) is given on the last chunk an
 * event produced, so a client's last seen id always means "everything up to this event".
 */
export function encodeChunkFrame(chunk: UiChunk, id?: number): string {
  const json = JSON.stringify(chunk);
  return id === undefined ? `data: ${json}\n\n` : encodeEventFrame(id, json);
}

/** Encodes the chunks of one event (or of a compact replay): the id goes on the last one. */
export function encodeChunkFrames(chunks: readonly UiChunk[], id?: number): string {
  return chunks.map((chunk, i) => encodeChunkFrame(chunk, i === chunks.length - 1 ? id : undefined)).join("");
}
