/**
 * The AI SDK demo page (/ai.html): the `ai` package's Chat machinery and DefaultChatTransport
 * against /ai/:pipeline, created with `resume: true` (it reconnects to the chat's active run on
 * load), so a reload mid-run shows the same message continuing. Bundled by scripts/build-demo.mjs
 * into public/ai.js. docs/ai-sdk.md has the same setup for React's useChat.
 */
import { DefaultChatTransport } from "ai";
import { devTokenSource } from "../demo/dev-token";
import { byId, perFrame } from "../demo/dom";
import { renderMessages } from "./message-view";
import {
  type EdgeMessage,
  loadChat,
  newSavedChat,
  PageChat,
  type Pipeline,
  type SavedChat,
  saveChat,
} from "./page-chat";

const SAMPLE: Record<Pipeline, string> = {
  nova3: "Launch post for a solar-powered hiking backpack",
  loomi: "Hi Loomi! I run a small shop that sells handmade candles.",
};

const form = byId<HTMLFormElement>("composer");
const input = byId<HTMLTextAreaElement>("message");
const stopButton = byId<HTMLButtonElement>("stop");
const list = byId("messages");
const tokens = devTokenSource();

async function authHeaders(): Promise<Record<string, string>> {
  const token = await tokens.token();
  return token ? { Authorization: `Bearer ${token}` } : {};
}

let saved: SavedChat = loadChat();
let chat = open(saved);

function render(): void {
  saved = { ...saved, messages: chat.messages };
  saveChat(saved);
  renderMessages(list, chat.messages);
  const last = chat.messages.at(-1);
  const busy = chat.status === "submitted" || chat.status === "streaming";
  document.body.dataset.chatStatus = chat.status;
  document.body.dataset.runStatus = last?.role === "assistant" ? (last.metadata?.status ?? "running") : "idle";
  byId("chat-id").textContent = saved.chatId;
  byId("session-id").textContent = last?.metadata?.session_id ?? "—";
  const error = byId("error");
  error.hidden = !chat.error;
  error.textContent = chat.error ? `Error: ${chat.error.message}` : "";
  byId<HTMLButtonElement>("send").disabled = busy;
  stopButton.disabled = !busy;
  form.setAttribute("aria-busy", String(busy));
}
const scheduleRender = perFrame(render);

/** A chat on the saved conversation; like useChat({ resume: true }), it reconnects to an active run at once. */
function open(conversation: SavedChat): PageChat {
  const transport: DefaultChatTransport<EdgeMessage> = new DefaultChatTransport<EdgeMessage>({
    api: `/ai/${conversation.pipeline}`,
    headers: authHeaders,
    // History lives in the session: send only the new message (the body stays small however long the chat).
    prepareSendMessagesRequest: ({ id, messages, trigger, messageId }) => ({
      body: { id, messages: messages.slice(-1), trigger, messageId },
    }),
    // A message kept unfinished names its run, which is replayed even if it ended during the reload.
    prepareReconnectToStreamRequest: ({ id }): { api: string } => {
      const last: EdgeMessage | undefined = created.messages.at(-1);
      const unfinished = last?.role === "assistant" && last.metadata?.status === undefined ? last.id : undefined;
      const query = unfinished ? `?message_id=${encodeURIComponent(unfinished)}` : "";
      return { api: `/ai/${conversation.pipeline}/${encodeURIComponent(id)}/stream${query}` };
    },
  });
  const created: PageChat = new PageChat({
    id: conversation.chatId,
    messages: conversation.messages,
    transport,
    onChange: () => scheduleRender(),
  });
  void created.resumeStream();
  return created;
}

function restart(pipeline: Pipeline): void {
  void chat.stop();
  saved = newSavedChat(pipeline);
  chat = open(saved);
  input.value = SAMPLE[pipeline];
  render();
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  input.value = "";
  void chat.sendMessage({ text });
});
// Stop cancels the run on the server; its stream then ends by itself (abort, then finish).
stopButton.addEventListener("click", async () => {
  await fetch(`/ai/${saved.pipeline}/${encodeURIComponent(saved.chatId)}/stop`, {
    method: "POST",
    headers: await authHeaders(),
  });
});
byId("new-chat").addEventListener("click", () => restart(saved.pipeline));
for (const radio of form.querySelectorAll<HTMLInputElement>('input[name="pipeline"]')) {
  radio.checked = radio.value === saved.pipeline;
  radio.addEventListener("change", () => restart(radio.value as Pipeline));
}

input.value = saved.messages.length ? "" : SAMPLE[saved.pipeline];
tokens.auth().then((auth) => {
  byId("auth").textContent = auth.description;
});
render();
document.body.dataset.ready = "true";
