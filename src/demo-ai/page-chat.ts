/**
 * The page's chat: the `ai` package's framework-free Chat machinery (AbstractChat, what useChat
 * wraps) over a tiny observable state, and the conversation kept in localStorage so a reload finds
 * it (the same chat id, its messages, the message of a run still going), as an app that stores
 * its chats would.
 */
import { AbstractChat, type ChatInit, type ChatState, type ChatStatus, type UIMessage } from "ai";
import type { AgentPartData, ProgressPartData, StartMetadata } from "../protocol/ui-message-stream";

/** The messages this service streams: its metadata and its two data parts, typed. */
export type EdgeMessage = UIMessage<
  Partial<StartMetadata> & { status?: string },
  { agent: AgentPartData; progress: ProgressPartData }
>;

export type Pipeline = "nova3" | "loomi";

/** Calls `onChange` whenever the chat changes anything the page shows. */
class ObservableState implements ChatState<EdgeMessage> {
  #status: ChatStatus = "ready";
  #error: Error | undefined;
  #messages: EdgeMessage[];
  readonly #onChange: () => void;

  constructor(messages: EdgeMessage[], onChange: () => void) {
    this.#messages = messages;
    this.#onChange = onChange;
  }
  get status(): ChatStatus {
    return this.#status;
  }
  set status(status: ChatStatus) {
    this.#status = status;
    this.#onChange();
  }
  get error(): Error | undefined {
    return this.#error;
  }
  set error(error: Error | undefined) {
    this.#error = error;
    this.#onChange();
  }
  get messages(): EdgeMessage[] {
    return this.#messages;
  }
  set messages(messages: EdgeMessage[]) {
    this.#messages = messages;
    this.#onChange();
  }
  pushMessage = (message: EdgeMessage) => {
    this.messages = [...this.#messages, message];
  };
  popMessage = () => {
    this.messages = this.#messages.slice(0, -1);
  };
  replaceMessage = (index: number, message: EdgeMessage) => {
    this.messages = [...this.#messages.slice(0, index), this.snapshot(message), ...this.#messages.slice(index + 1)];
  };
  snapshot = <T>(thing: T): T => structuredClone(thing);
}

export class PageChat extends AbstractChat<EdgeMessage> {
  constructor(init: ChatInit<EdgeMessage> & { onChange: () => void }) {
    super({ ...init, state: new ObservableState(init.messages ?? [], init.onChange) });
  }
}

/** What the page keeps between loads. */
export interface SavedChat {
  chatId: string;
  pipeline: Pipeline;
  messages: EdgeMessage[];
}

const STORAGE_KEY = "edge-stream-ai-chat";

export function newSavedChat(pipeline: Pipeline = "nova3"): SavedChat {
  return { chatId: crypto.randomUUID(), pipeline, messages: [] };
}

export function loadChat(): SavedChat {
  try {
    const saved = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? "null") as SavedChat | null;
    if (saved && typeof saved.chatId === "string" && Array.isArray(saved.messages)) return saved;
  } catch {
    // Unreadable storage: start afresh.
  }
  return newSavedChat();
}

export function saveChat(chat: SavedChat): void {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(chat));
}
