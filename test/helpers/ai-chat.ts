/**
 * The AI SDK's own chat machinery against the Worker under test (inside workerd): a framework-free
 * Chat (AbstractChat over a plain array state, as @ai-sdk/react's is over React state), whose
 * DefaultChatTransport fetches through SELF; and raw helpers that read a UI message stream frame by
 * frame, cutting it after any number of chunks.
 */
import { SELF } from "cloudflare:test";
import { AbstractChat, type ChatInit, type ChatState, type ChatStatus, DefaultChatTransport, type UIMessage } from "ai";
import { createParser } from "eventsource-parser";
import type { UiChunk } from "../../src/protocol/ui-message-stream";
import { type Auth, api, BASE, tokenFor } from "./api";
import type { UiFrame } from "./ui-messages";

class ArrayChatState implements ChatState<UIMessage> {
  status: ChatStatus = "ready";
  error: Error | undefined = undefined;
  messages: UIMessage[];

  constructor(messages: UIMessage[] = []) {
    this.messages = messages;
  }
  pushMessage = (message: UIMessage) => {
    this.messages = [...this.messages, message];
  };
  popMessage = () => {
    this.messages = this.messages.slice(0, -1);
  };
  replaceMessage = (index: number, message: UIMessage) => {
    this.messages = [...this.messages.slice(0, index), this.snapshot(message), ...this.messages.slice(index + 1)];
  };
  snapshot = <T>(thing: T): T => structuredClone(thing);
}

/** AbstractChat with an array for state: what useChat does, without React. */
export class TestChat extends AbstractChat<UIMessage> {
  constructor(init: ChatInit<UIMessage>) {
    super({ ...init, state: new ArrayChatState(init.messages) });
  }
}

/** DefaultChatTransport for `/ai/<pipeline>` with the user's bearer token, fetching through SELF. */
export async function aiTransport(pipeline: "nova3" | "loomi", user?: string) {
  const token = await tokenFor(user);
  return new DefaultChatTransport<UIMessage>({
    api: `${BASE}/ai/${pipeline}`,
    headers: { Authorization: `Bearer ${token}` },
    fetch: (input, init) => SELF.fetch(input instanceof Request ? input : String(input), init),
  });
}

/** The body DefaultChatTransport sends for a first user message. */
export function chatBody(id: string, text: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    messages: [{ id: "u1", role: "user", parts: [{ type: "text", text }] }],
    trigger: "submit-message",
    ...extra,
  };
}

/** POST /ai/<pipeline> with a JSON body (a string is sent as is). */
export function postAi(pipeline: string, body: unknown, auth?: Auth, headers: Record<string, string> = {}) {
  return api(
    `/ai/${pipeline}`,
    {
      method: "POST",
      headers: { "Content-Type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    },
    auth,
  );
}

/** What a UI message stream body held, frame by frame. */
export interface ReadUi {
  frames: UiFrame[];
  chunks: UiChunk[];
  /** Saw `data: [DONE]`. */
  done: boolean;
}

/** Reads a UI message stream, stopping (and cancelling the body) once it holds `maxChunks` chunks. */
export async function readUi(response: Response, maxChunks = Number.POSITIVE_INFINITY): Promise<ReadUi> {
  const out: ReadUi = { frames: [], chunks: [], done: false };
  const parser = createParser({
    onEvent: (message) => {
      if (out.chunks.length >= maxChunks) return;
      out.frames.push({ id: message.id, data: message.data });
      if (message.data === "[DONE]") out.done = true;
      else out.chunks.push(JSON.parse(message.data) as UiChunk);
    },
  });
  const reader = response.body?.getReader();
  if (!reader) return out;
  const decoder = new TextDecoder();
  while (out.chunks.length < maxChunks) {
    const { done, value } = await reader.read();
    if (done) return out;
    parser.feed(decoder.decode(value, { stream: true }));
  }
  await reader.cancel();
  return out;
}
