/** A model for tests that keeps every request's messages and answers each with `reply(n)`. */
import type { ChatMessage, ChatRequest, LlmProvider } from "../../src/llm/provider";

export class RecordingModel implements LlmProvider {
  readonly kind = "test";
  readonly defaultModel = "test";
  readonly requests: ChatMessage[][] = [];

  /** `reply` gets the 0-based number of the request it answers. */
  constructor(private readonly reply: (request: number) => string = () => "ok") {}

  async *stream(request: ChatRequest): AsyncIterable<string> {
    this.requests.push(request.messages);
    yield this.reply(this.requests.length - 1);
  }
}
