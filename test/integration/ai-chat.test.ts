/**
 * POST /ai/:pipeline driven by the AI SDK's own Chat machinery (AbstractChat + DefaultChatTransport,
 * as useChat runs them) against the real Worker: a Nova3 run and a two-turn Loomi chat build the
 * messages the session's own record says they should, and the wire is protocol v1 (headers,
 * `data:` frames with event ids, `[DONE]`).
 */
import type { UIMessage } from "ai";
import { describe, expect, it } from "vitest";
import { aiTransport, chatBody, postAi, readUi, TestChat } from "../helpers/ai-chat";
import { api } from "../helpers/api";
import { agentText } from "../helpers/ui-messages";

interface SnapshotRun {
  run_id: string;
  mode: string;
  status: string;
  agents: Record<string, { status: string; text: string }>;
}

async function runsOf(sessionId: string): Promise<SnapshotRun[]> {
  const snapshot = (await (await api(`/sessions/${sessionId}`)).json()) as { runs: SnapshotRun[] };
  return snapshot.runs;
}

/** The assistant message must be exactly the run as the session stored it. */
function expectMessageOfRun(message: UIMessage, run: SnapshotRun, sessionId: string): void {
  expect(message.role).toBe("assistant");
  expect(message.id).toBe(run.run_id);
  expect(message.metadata).toEqual({
    session_id: sessionId,
    run_id: run.run_id,
    pipeline: run.mode,
    status: "completed",
  });
  for (const [name, agent] of Object.entries(run.agents)) expect(agentText(message, name)).toBe(agent.text);
  const agents = message.parts.filter((p) => p.type === "data-agent").map((p) => ("data" in p ? p.data : undefined));
  expect(agents).toEqual(Object.keys(run.agents).map((name) => expect.objectContaining({ name, status: "complete" })));
  const progress = message.parts.filter((p) => p.type === "data-progress");
  expect(progress).toEqual([
    expect.objectContaining({ id: "progress", data: expect.objectContaining({ percent: 100 }) }),
  ]);
  expect(message.parts.filter((p) => p.type === "text").every((p) => "state" in p && p.state === "done")).toBe(true);
}

function sessionOf(message: UIMessage | undefined): string {
  return (message?.metadata as { session_id?: string } | undefined)?.session_id ?? "";
}

describe("AI SDK chat over POST /ai/:pipeline", () => {
  it("runs Nova3 for useChat's sendMessage: one assistant message with every agent's final text", async () => {
    const chat = new TestChat({ id: `nova-${crypto.randomUUID()}`, transport: await aiTransport("nova3") });
    await chat.sendMessage({ text: "A launch post for a solar backpack" });
    expect(chat.status).toBe("ready");
    expect(chat.error).toBeUndefined();
    expect(chat.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    const sessionId = sessionOf(chat.lastMessage);
    const [run] = await runsOf(sessionId);
    expect(Object.keys(run.agents)).toHaveLength(6);
    expectMessageOfRun(chat.messages[1], run, sessionId);
  });

  it("holds a two-turn Loomi chat in one session, and regenerates the last turn in it", async () => {
    const chat = new TestChat({ id: `loomi-${crypto.randomUUID()}`, transport: await aiTransport("loomi") });
    await chat.sendMessage({ text: "Hi Loomi, I sell handmade candles." });
    await chat.sendMessage({ text: "Now write a blurb for my lavender candle." });
    expect(chat.messages.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
    const sessionId = sessionOf(chat.messages[1]);
    expect(sessionOf(chat.messages[3])).toBe(sessionId);
    const runs = await runsOf(sessionId);
    expect(runs.map((r) => r.status)).toEqual(["completed", "completed"]);
    expectMessageOfRun(chat.messages[1], runs[0], sessionId);
    expectMessageOfRun(chat.messages[3], runs[1], sessionId);
    expect(Object.keys(runs[1].agents)).toEqual(["loomi_concierge", "content_agent"]);

    await chat.regenerate();
    expect(chat.messages.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
    const after = await runsOf(sessionId);
    expect(after).toHaveLength(3);
    expect(chat.messages[3].id).toBe(after[2].run_id);
    expectMessageOfRun(chat.messages[3], after[2], sessionId);
  });

  it("answers with protocol v1: its headers, one data frame per chunk, event ids rising, [DONE] last", async () => {
    const res = await postAi("nova3", chatBody(`wire-${crypto.randomUUID()}`, "wire check"));
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/event-stream/);
    expect(res.headers.get("x-vercel-ai-ui-message-stream")).toBe("v1");
    expect(res.headers.get("Cache-Control")).toBe("no-cache, no-transform");
    expect(res.headers.get("X-Accel-Buffering")).toBe("no");
    const sessionId = res.headers.get("X-Session-Id") ?? "";
    expect(sessionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const { frames, chunks, done } = await readUi(res);
    expect(done).toBe(true);
    expect(frames[frames.length - 1]).toEqual({ id: undefined, data: "[DONE]" });
    expect(chunks[0]).toMatchObject({ type: "start", messageId: res.headers.get("X-Run-Id") });
    expect(chunks[chunks.length - 1]).toMatchObject({ type: "finish", finishReason: "stop" });
    const ids = frames
      .map((f) => f.id)
      .filter((id) => id !== undefined)
      .map(Number);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    // The finish frame carries the run's terminal event id: the newest event of the session.
    const snapshot = (await (await api(`/sessions/${sessionId}`)).json()) as { last_event_id: number };
    expect(frames[frames.length - 2].id).toBe(String(snapshot.last_event_id));
  });

  it("is what a stock DefaultChatTransport reads: chunks arrive through the transport unchanged", async () => {
    const transport = await aiTransport("nova3");
    const stream = await transport.sendMessages({
      chatId: `raw-${crypto.randomUUID()}`,
      messages: [{ id: "u", role: "user", parts: [{ type: "text", text: "transport check" }] }],
      trigger: "submit-message",
      messageId: undefined,
      abortSignal: undefined,
    });
    const types: string[] = [];
    const reader = stream.getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) types.push(read.value.type);
    expect(types[0]).toBe("start");
    expect(types.at(-1)).toBe("finish");
    expect(types.filter((t) => t === "text-start")).toHaveLength(6);
  });
});
