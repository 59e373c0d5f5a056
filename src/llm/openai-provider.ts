/**
 * The real provider: any OpenAI-compatible chat completions endpoint through the `openai` client,
 * streamed. The client never retries (the agent runner does, visibly, with its own policy); this
 * module turns every way an attempt can fail into a classified LlmError, and aborts an attempt
 * that stalls.
 */
import OpenAI from "openai";
import type { Config } from "../env";
import { ERROR_TYPES } from "../protocol/events";
import { LlmError } from "./errors";
import { classifyOpenAiError, completionsUrl } from "./openai-errors";
import type { ChatRequest, LlmProvider } from "./provider";

/** Model used when LLM_MODEL is not set. */
export const OPENAI_DEFAULT_MODEL = "gpt-4o-mini";

/** The part of a streamed `chat.completion.chunk` this provider reads. */
interface ChunkShape {
  choices?: { delta?: { content?: unknown } | null; finish_reason?: unknown }[];
}

/** Streams chat completions from an OpenAI-compatible endpoint; one `stream()` call is one attempt. */
export class OpenAiProvider implements LlmProvider {
  readonly kind = "openai";
  readonly defaultModel: string;
  #client: OpenAI | undefined;
  /** The URL every attempt calls, named by configuration errors. */
  #endpoint = "";
  #idleTimeoutMs: number;

  constructor(config: Pick<Config, "openaiApiKey" | "openaiBaseUrl" | "llmModel" | "llmIdleTimeoutMs">) {
    this.defaultModel = config.llmModel || OPENAI_DEFAULT_MODEL;
    this.#idleTimeoutMs = config.llmIdleTimeoutMs;
    // Without a key every attempt fails as `auth` (see stream), rather than the object failing to start.
    this.#client = config.openaiApiKey
      ? new OpenAI({
          apiKey: config.openaiApiKey,
          baseURL: config.openaiBaseUrl || undefined,
          maxRetries: 0,
          // Failures reach the log as classified `error` events; the client's own console output would only repeat them.
          logLevel: "off",
        })
      : undefined;
    if (this.#client) this.#endpoint = completionsUrl(this.#client.baseURL);
  }

  async *stream(request: ChatRequest): AsyncIterable<string> {
    const client = this.#client;
    if (!client) throw new LlmError(ERROR_TYPES.AUTH, "OPENAI_API_KEY is not set");
    request.signal.throwIfAborted();
    // One controller per attempt: the run's cancel and this attempt's stall timer both abort it.
    const attempt = new AbortController();
    const onCancel = () => attempt.abort(request.signal.reason);
    request.signal.addEventListener("abort", onCancel, { once: true });
    let idle: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      clearTimeout(idle);
      idle = setTimeout(() => {
        attempt.abort(new LlmError(ERROR_TYPES.STALL, `no data from the model for ${this.#idleTimeoutMs} ms`));
      }, this.#idleTimeoutMs);
    };
    let responded = false;
    try {
      arm();
      const stream = await client.chat.completions.create(
        { model: request.model, messages: request.messages, stream: true },
        { signal: attempt.signal },
      );
      responded = true;
      let finished = false;
      for await (const chunk of stream as AsyncIterable<ChunkShape>) {
        arm();
        const delta = readChunk(chunk);
        if (delta.finish === "content_filter") {
          throw new LlmError(ERROR_TYPES.CONTENT_FILTER, "the provider's content filter stopped the answer");
        }
        if (delta.finish) finished = true;
        if (delta.text) yield delta.text;
      }
      // The client ends its iteration quietly when its signal aborts: say why it ended.
      if (attempt.signal.aborted) throw attempt.signal.reason;
      if (!finished) throw new LlmError(ERROR_TYPES.STREAM_BROKEN, "the stream ended before the model finished");
    } catch (error) {
      if (attempt.signal.aborted) throw attempt.signal.reason;
      throw classifyOpenAiError(error, responded, { url: this.#endpoint, model: request.model });
    } finally {
      clearTimeout(idle);
      request.signal.removeEventListener("abort", onCancel);
    }
  }
}

/** The text and finish reason of one chunk; a chunk of the wrong shape is `malformed`. */
function readChunk(chunk: ChunkShape): { text: string; finish: string | undefined } {
  if (!chunk || typeof chunk !== "object" || !Array.isArray(chunk.choices)) {
    throw new LlmError(ERROR_TYPES.MALFORMED, "a stream chunk is not a chat.completion.chunk");
  }
  // A chunk without choices is legal (the usage summary at the end of a stream).
  const choice = chunk.choices[0];
  if (!choice) return { text: "", finish: undefined };
  const content = choice.delta?.content;
  if (content !== undefined && content !== null && typeof content !== "string") {
    throw new LlmError(ERROR_TYPES.MALFORMED, "a stream chunk's delta content is not text");
  }
  const finish = typeof choice.finish_reason === "string" ? choice.finish_reason : undefined;
  return { text: content ?? "", finish };
}
