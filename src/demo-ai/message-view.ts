/**
 * Draws the chat: user messages as text; each assistant message (one run) as its progress, then
 * one panel per agent from its `data-agent` part, holding the agent's text. A text part the
 * service discarded (a failed attempt, see docs/ai-sdk.md) is shown struck through and apart, so
 * the panel's text is exactly the agent's final text.
 */
import { el } from "../demo/dom";
import { agentLabel } from "../demo/labels";
import { PROVIDER_KEY, type TextPartMetadata } from "../protocol/ui-message-stream";
import type { EdgeMessage } from "./page-chat";

type Part = EdgeMessage["parts"][number];

/** This service's metadata on a text part, if it has any. */
function textMeta(part: Part): TextPartMetadata | undefined {
  if (part.type !== "text") return undefined;
  const meta = part.providerMetadata?.[PROVIDER_KEY];
  return meta && typeof meta.agent === "string" ? (meta as TextPartMetadata) : undefined;
}

function userText(message: EdgeMessage): string {
  return message.parts.map((part) => (part.type === "text" ? part.text : "")).join("\n");
}

function agentPanel(message: EdgeMessage, part: Extract<Part, { type: "data-agent" }>): HTMLElement {
  const agent = part.data;
  const texts = message.parts.filter((p) => textMeta(p)?.agent === agent.name);
  const kept = texts.filter((p) => !textMeta(p)?.discarded).map((p) => (p.type === "text" ? p.text : ""));
  const discarded = texts
    .filter((p) => textMeta(p)?.discarded)
    .map((p) =>
      el(
        "del",
        { class: "discarded", title: "a failed attempt; the retry replaced it" },
        p.type === "text" ? p.text : "",
      ),
    );
  const retries = agent.retries > 0 ? ` · ${agent.retries} ${agent.retries === 1 ? "retry" : "retries"}` : "";
  return el(
    "section",
    { class: "agent", "data-agent": agent.name, "data-status": agent.status },
    el(
      "header",
      {},
      el("strong", {}, agentLabel(agent.name)),
      el("span", { class: "badge" }, `${agent.status}${retries}`),
    ),
    el("p", { class: "task" }, agent.task),
    ...discarded,
    el("p", { class: "text", "data-agent-text": agent.name }, kept.join("")),
  );
}

function assistantItem(message: EdgeMessage): HTMLElement {
  const status = message.metadata?.status ?? "streaming";
  const item = el("li", { class: "assistant", "data-message-id": message.id, "data-status": status });
  const progress = message.parts.find((p) => p.type === "data-progress");
  if (progress?.type === "data-progress") {
    const { percent, stage } = progress.data;
    item.append(
      el("p", { class: "progress" }, el("progress", { max: "100", value: String(percent) }), ` ${percent}% · ${stage}`),
    );
  }
  for (const part of message.parts) if (part.type === "data-agent") item.append(agentPanel(message, part));
  item.append(el("p", { class: "run-status" }, `Run ${status}`));
  return item;
}

export function renderMessages(list: HTMLElement, messages: readonly EdgeMessage[]): void {
  list.replaceChildren(
    ...messages.map((message) =>
      message.role === "user" ? el("li", { class: "user" }, el("p", {}, userText(message))) : assistantItem(message),
    ),
  );
}
