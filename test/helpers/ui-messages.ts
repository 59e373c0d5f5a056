/**
 * UI message stream helpers for tests: build service events by hand, rebuild the assistant message
 * from UI chunks with the `ai` package's own reader, and read a UI message stream body.
 */
import { readUIMessageStream, type UIMessage, type UIMessageChunk } from "ai";
import { createParser } from "eventsource-parser";
import {
  EVENT_TYPES,
  type EventDraft,
  type PayloadMap,
  type PlannedAgent,
  type StreamEvent,
  SUPERVISOR,
} from "../../src/protocol/events";
import { inlineText, textDigest } from "../../src/protocol/text-digest";
import type { UiChunk } from "../../src/protocol/ui-message-stream";

/** Numbers drafts into the events of one run, from id `first`. */
export function runEvents(runId: string, drafts: EventDraft[], first = 1): StreamEvent[] {
  return drafts.map(
    (draft, i) => ({ ...draft, id: first + i, run_id: runId, timestamp: "2026-01-01T00:00:00.000Z" }) as StreamEvent,
  );
}

/** Small draft builders, so a test spells a run in a few lines. */
export const draft = {
  runStart: (agents: PlannedAgent[], mode: "nova3" | "loomi" = "nova3"): EventDraft => ({
    event_type: EVENT_TYPES.RUN_START,
    agent_source: SUPERVISOR,
    payload: { mode, model: "demo", agents },
  }),
  agentStart: (agent: string, task = `task of ${agent}`): EventDraft => ({
    event_type: EVENT_TYPES.AGENT_START,
    agent_source: agent,
    payload: { status: "started", task_description: task, model: "demo" },
  }),
  chunk: (agent: string, content: string, is_complete = false): EventDraft => ({
    event_type: EVENT_TYPES.LLM_CHUNK,
    agent_source: agent,
    payload: { content, content_type: "text", is_complete },
  }),
  /** As the service writes it: `text` only when it fits in one event, always its length and digest. */
  complete: (agent: string, text: string): EventDraft => ({
    event_type: EVENT_TYPES.AGENT_COMPLETE,
    agent_source: agent,
    payload: {
      status: "completed",
      summary: text.slice(0, 20),
      text: inlineText(text),
      chars: text.length,
      digest: textDigest(text),
      model: "demo",
    },
  }),
  progress: (done: number, total: number, stage: string): EventDraft => ({
    event_type: EVENT_TYPES.PROGRESS,
    agent_source: SUPERVISOR,
    payload: { completed_steps: done, total_steps: total, percent: Math.round((100 * done) / total), stage },
  }),
  error: (agent: string, payload: Partial<PayloadMap["error"]> & { will_retry: boolean }): EventDraft => ({
    event_type: EVENT_TYPES.ERROR,
    agent_source: agent,
    payload: { error: "upstream broke", error_type: "stream_broken", retry_count: 0, ...payload },
  }),
  runComplete: (status: PayloadMap["run_complete"]["status"], agents: PayloadMap["run_complete"]["agents"] = {}) =>
    ({
      event_type: EVENT_TYPES.RUN_COMPLETE,
      agent_source: SUPERVISOR,
      payload: { status, content: "", content_chars: 0, content_digest: textDigest(""), agents },
    }) satisfies EventDraft,
};

/** A planned agent. */
export function planned(name: string, uses: string[] = [], required = true): PlannedAgent {
  return { name, task: `task of ${name}`, uses, required };
}

function streamOf<T>(items: readonly T[]): ReadableStream<T> {
  return new ReadableStream<T>({
    start(controller) {
      for (const item of items) controller.enqueue(item);
      controller.close();
    },
  });
}

/** The message the AI SDK's reader builds from `chunks` (the last state it reports), and the errors it saw. */
export async function rebuild(chunks: readonly (UiChunk | UIMessageChunk)[]): Promise<{
  message: UIMessage | undefined;
  errors: string[];
}> {
  const errors: string[] = [];
  let message: UIMessage | undefined;
  const stream = streamOf(chunks as UIMessageChunk[]);
  const onError = (error: unknown) => errors.push(error instanceof Error ? error.message : String(error));
  for await (const state of readUIMessageStream({ stream, onError })) message = state;
  return { message, errors };
}

/** One frame of a UI message stream body: its `id:` (if any) and its data (a chunk, or "[DONE]"). */
export interface UiFrame {
  id: string | undefined;
  data: string;
}

/** Parses a UI message stream body into frames and the chunks they carry. */
export function parseUiStream(text: string): { frames: UiFrame[]; chunks: UiChunk[]; comments: string[] } {
  const frames: UiFrame[] = [];
  const comments: string[] = [];
  const parser = createParser({
    onEvent: (message) => frames.push({ id: message.id, data: message.data }),
    onComment: (comment) => comments.push(comment),
  });
  parser.feed(text);
  const chunks = frames.filter((f) => f.data !== "[DONE]").map((f) => JSON.parse(f.data) as UiChunk);
  return { frames, chunks, comments };
}

/** The agent's text as the message shows it: its text parts not marked discarded, joined. */
export function agentText(message: UIMessage | undefined, agent: string): string {
  return (message?.parts ?? [])
    .filter((p) => p.type === "text")
    .filter((p) => {
      const meta = p.providerMetadata?.edgeStream as { agent?: string; discarded?: boolean } | undefined;
      return meta?.agent === agent && !meta.discarded;
    })
    .map((p) => (p.type === "text" ? p.text : ""))
    .join("");
}
