/**
 * The one interface every language model sits behind: a stream of text deltas for a chat request.
 * The demo model and the OpenAI-compatible provider both implement it.
 */

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  /** Aborting it must stop the stream (and any upstream request) at once. */
  signal: AbortSignal;
}

export interface LlmProvider {
  /** Shown in events as the model family, e.g. `demo` or `openai`. */
  readonly kind: string;
  /** Model used when an agent names none. */
  readonly defaultModel: string;
  /** Streams the completion as text deltas. Rejects on failure, with the abort reason when aborted. */
  stream(request: ChatRequest): AsyncIterable<string>;
}
