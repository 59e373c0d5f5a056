/**
 * The mapping from service events to UI message chunks, on exact chunks: a run, a retry that
 * discards streamed text, a failed run, a cancelled one, and the recorded runs rebuilt by the AI
 * SDK's own reader into messages whose kept text parts equal the service's final texts.
 */
import type { UIMessageChunk } from "ai";
import { describe, expect, it } from "vitest";
import { MAX_EVENT_TEXT_CHARS, type StreamEvent } from "../../src/protocol/events";
import { reconstructTexts } from "../../src/protocol/reconstruct";
import { UiMessageMapper } from "../../src/protocol/ui-message-mapper";
import type { UiChunk } from "../../src/protocol/ui-message-stream";
import { recording, renumber, withFailedAttempt } from "../helpers/recorded";
import { agentText, draft, planned, rebuild, runEvents } from "../helpers/ui-messages";

const SESSION = "00000000-0000-8000-8000-000000000000";
const RUN = "run-1";

function mapAll(events: StreamEvent[]): UiChunk[] {
  const mapper = new UiMessageMapper(SESSION);
  return events.flatMap((event) => mapper.push(event));
}

const meta = (agent: string, attempt = 1, discarded?: true) => ({
  edgeStream: discarded ? { agent, attempt, discarded } : { agent, attempt },
});
const agentData = (name: string, extra: Record<string, unknown>) => ({
  type: "data-agent",
  id: name,
  data: { name, task: `task of ${name}`, uses: [], required: true, retries: 0, ...extra },
});

describe("UiMessageMapper", () => {
  it("maps a run to one message: start, agent data parts, one text part per agent, progress, finish", () => {
    const events = runEvents(RUN, [
      draft.runStart([planned("writer")]),
      draft.agentStart("writer"),
      draft.chunk("writer", "Hello "),
      draft.chunk("writer", "world"),
      draft.chunk("writer", "", true),
      draft.complete("writer", "Hello world"),
      draft.progress(1, 1, "writer"),
      draft.runComplete("completed", { writer: { status: "completed", chars: 11 } }),
    ]);
    expect(mapAll(events)).toEqual([
      { type: "start", messageId: RUN, messageMetadata: { session_id: SESSION, run_id: RUN, pipeline: "nova3" } },
      agentData("writer", { status: "pending" }),
      { type: "text-start", id: "writer", providerMetadata: meta("writer") },
      agentData("writer", { status: "running", model: "demo", text_part: "writer" }),
      { type: "text-delta", id: "writer", delta: "Hello " },
      { type: "text-delta", id: "writer", delta: "world" },
      { type: "text-end", id: "writer" },
      agentData("writer", { status: "complete", model: "demo", text_part: "writer" }),
      {
        type: "data-progress",
        id: "progress",
        data: { completed_steps: 1, total_steps: 1, percent: 100, stage: "writer" },
      },
      { type: "finish", finishReason: "stop", messageMetadata: { status: "completed" } },
    ]);
  });

  it("ends a discarded attempt's part, marked, and streams the retry into writer#2", () => {
    const events = runEvents(RUN, [
      draft.runStart([planned("writer")]),
      draft.agentStart("writer"),
      draft.chunk("writer", "Hel"),
      draft.error("writer", { will_retry: true, discarded_chars: 3, retry_count: 0 }),
      draft.chunk("writer", "Hello"),
      draft.complete("writer", "Hello"),
    ]);
    const chunks = mapAll(events).slice(4);
    expect(chunks).toEqual([
      { type: "text-delta", id: "writer", delta: "Hel" },
      { type: "text-end", id: "writer", providerMetadata: meta("writer", 1, true) },
      { type: "text-start", id: "writer#2", providerMetadata: meta("writer", 2) },
      agentData("writer", {
        status: "running",
        model: "demo",
        retries: 1,
        error: "upstream broke",
        text_part: "writer#2",
      }),
      { type: "text-delta", id: "writer#2", delta: "Hello" },
      { type: "text-end", id: "writer#2" },
      agentData("writer", {
        status: "complete",
        model: "demo",
        retries: 1,
        error: "upstream broke",
        text_part: "writer#2",
      }),
    ]);
  });

  it("keeps the part open across a retry that discarded nothing", () => {
    const events = runEvents(RUN, [
      draft.runStart([planned("writer")]),
      draft.agentStart("writer"),
      draft.error("writer", { will_retry: true, discarded_chars: 0, error: "429" }),
      draft.chunk("writer", "Hi"),
    ]);
    const chunks = mapAll(events).slice(4);
    expect(chunks).toEqual([
      agentData("writer", { status: "running", model: "demo", retries: 1, error: "429", text_part: "writer" }),
      { type: "text-delta", id: "writer", delta: "Hi" },
    ]);
  });

  it("fails a run with a readable error chunk after closing its parts", () => {
    const events = runEvents(RUN, [
      draft.runStart([planned("writer"), planned("editor", ["writer"])]),
      draft.agentStart("writer"),
      draft.chunk("writer", "Half"),
      draft.error("writer", { will_retry: false, discarded_chars: 4, retry_count: 3, error: "HTTP 500" }),
      draft.runComplete("failed", { writer: { status: "failed", chars: 0 }, editor: { status: "skipped", chars: 0 } }),
    ]);
    expect(mapAll(events).slice(6)).toEqual([
      { type: "text-end", id: "writer", providerMetadata: meta("writer", 1, true) },
      agentData("writer", { status: "failed", model: "demo", error: "HTTP 500", text_part: "writer" }),
      agentData("editor", { status: "skipped", uses: ["writer"] }),
      { type: "error", errorText: "The run failed: writer: HTTP 500." },
      { type: "finish", finishReason: "error", messageMetadata: { status: "failed" } },
    ]);
  });

  it("ends a cancelled run with abort then finish, keeping the text streamed so far", () => {
    const events = runEvents(RUN, [
      draft.runStart([planned("writer")]),
      draft.agentStart("writer"),
      draft.chunk("writer", "So far"),
      draft.runComplete("cancelled", { writer: { status: "running", chars: 6 } }),
    ]);
    expect(mapAll(events).slice(5)).toEqual([
      { type: "text-end", id: "writer" },
      agentData("writer", { status: "cancelled", model: "demo", text_part: "writer" }),
      { type: "abort", reason: "The run was cancelled." },
      { type: "finish", finishReason: "other", messageMetadata: { status: "cancelled" } },
    ]);
  });

  it("ignores other runs' events and everything after the run's end; end() closes a cut-short run", () => {
    const mapper = new UiMessageMapper(SESSION);
    const [start, agentStart, chunk] = runEvents(RUN, [
      draft.runStart([]),
      draft.agentStart("a"),
      draft.chunk("a", "x"),
    ]);
    const [other] = runEvents("run-2", [draft.chunk("a", "y")], 9);
    mapper.push(start);
    mapper.push(agentStart);
    expect(mapper.push(other)).toEqual([]);
    expect(mapper.push(chunk)).toEqual([{ type: "text-delta", id: "a", delta: "x" }]);
    expect(mapper.end()).toEqual([
      { type: "text-end", id: "a" },
      { type: "error", errorText: "The run's event stream ended before the run finished." },
      { type: "finish", finishReason: "error", messageMetadata: { status: "interrupted" } },
    ]);
    expect(mapper.end()).toEqual([]);
  });

  it("takes an agent's text from its chunks alone, so a text too long for agent_complete maps all the same", async () => {
    const long = "0123456789".repeat(MAX_EVENT_TEXT_CHARS / 10 + 1);
    const half = long.length / 2;
    const events = runEvents(RUN, [
      draft.runStart([planned("writer")]),
      draft.agentStart("writer"),
      draft.chunk("writer", long.slice(0, half)),
      draft.chunk("writer", long.slice(half), true),
      draft.complete("writer", long),
      draft.runComplete("completed", { writer: { status: "completed", chars: long.length } }),
    ]);
    expect(events[4].payload).toMatchObject({ text: undefined, chars: long.length });
    const { message, errors } = await rebuild(mapAll(events));
    expect(errors).toEqual([]);
    expect(agentText(message, "writer")).toBe(long);
  });

  it("emits chunks the ai package's own types accept", () => {
    const chunks: UIMessageChunk[] = mapAll(renumber(recording("nova3-run")));
    expect(chunks.length).toBeGreaterThan(100);
  });

  it.each([
    ["nova3-run", recording("nova3-run")],
    ["loomi-turn2", recording("loomi-turn2")],
    ["nova3-run with a failed attempt", withFailedAttempt(recording("nova3-run"), "content_agent")],
  ])("rebuilds %s with readUIMessageStream into the service's final texts", async (_name, events) => {
    const { message, errors } = await rebuild(mapAll(events));
    expect(errors).toEqual([]);
    expect(message?.id).toBe(events[0].run_id);
    const texts = reconstructTexts(events);
    for (const [agent, text] of Object.entries(texts)) expect(agentText(message, agent)).toBe(text);
    const parts = message?.parts ?? [];
    expect(parts.filter((p) => p.type === "data-agent").map((p) => "data" in p && p.data)).toEqual(
      Object.keys(texts).map((name) => expect.objectContaining({ name, status: "complete" })),
    );
  });
});
