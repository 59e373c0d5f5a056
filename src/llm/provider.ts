/**
 * The one interface every language model sits behind: a stream of text deltas for a chat request.
 * The demo model and the OpenAI-compatible provider both implement it.
 */
import type { TokenUsage } from "../protocol/events";

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  /** Aborting it must stop the stream (and any upstream request) at once. */
  signal: AbortSignal;
  /** Sampling temperature (0–2); unset: the model's default. */
  temperature?: number;
  /** Most tokens of the answer; unset: the model's limit. */
  maxTokens?: number;
  /** Told the attempt's token counts when the model reports them (at the end of the stream). */
  onUsage?(usage: TokenUsage): void;
}

export interface LlmProvider {
  /** Shown in events as the model family, e.g. `demo` or `openai`. */
  readonly kind: string;
  /** Model used when an agent names none. */
  readonly defaultModel: string;
  /** Streams the completion as text deltas. Rejects on failure, with the abort reason when aborted. */
  stream(request: ChatRequest): AsyncIterable<string>;
}
