/**
 * Resuming an AI SDK chat mid-run, on paced runs (the fake endpoint sends a token every 25 ms, and
 * breaks content_agent's first attempt so every run has a discarded attempt): a stream cut after k
 * chunks, for many k, and resumed with GET /ai/nova3/:chatId/stream builds exactly the message of
 * the uninterrupted run, part for part, from a compact replay (one delta per text part) and then
 * live; the AI SDK's Chat resumes it the way a reloaded page does; Last-Event-ID continues exactly;
 * stop, a second turn while one runs, and another user's chat id are refused or answered properly.
 */
import type { UIMessage } from "ai";
import { describe, expect, it } from "vitest";
import type { StreamEvent } from "../../src/protocol/events";
import { UiMessageMapper } from "../../src/protocol/ui-message-mapper";
import { aiTransport, chatBody, postAi, type ReadUi, readUi, TestChat } from "../helpers/ai-chat";
import { api } from "../helpers/api";
import { fake, scenarioId } from "../helpers/fake-control";
import { readSse } from "../helpers/sse";
import { agentText, rebuild } from "../helpers/ui-messages";

/** A paced Nova3 message whose content_agent loses its first attempt after 4 tokens. */
function pacedMessage(label: string): string {
  const s = scenarioId(label);
  return `${label} ${fake(s, { tokens: 10, delay: 25 })} ${fake(s, { agent: "content_agent", cut: 4 })}`;
}

/** The message of the whole run, built from the session's log by the same mapping, uninterrupted. */
async function uninterrupted(sessionId: string): Promise<UIMessage | undefined> {
  const { events } = await readSse(await api(`/sessions/${sessionId}/events?last_event_id=0`));
  const mapper = new UiMessageMapper(sessionId);
  return (await rebuild(events.flatMap((event: StreamEvent) => mapper.push(event)))).message;
}

async function finalTexts(sessionId: string): Promise<Record<string, string>> {
  const snapshot = (await (await api(`/sessions/${sessionId}`)).json()) as {
    runs: { agents: Record<string, { text: string }> }[];
  };
  return Object.fromEntries(Object.entries(snapshot.runs[0].agents).map(([name, a]) => [name, a.text]));
}

/** Frames grouped by event: each group ends with the frame that carries an id (the compact replay is the first). */
function groups(read: ReadUi): string[][] {
  const out: string[][] = [[]];
  for (const frame of read.frames) {
    out[out.length - 1].push(frame.data);
    if (frame.id !== undefined) out.push([]);
  }
  return out.filter((g) => g.length > 0);
}

/** Starts a paced run in a new chat and reads its stream up to `k` chunks, then drops it. */
async function startAndCut(k: number, user?: string) {
  const chatId = `cut-${k}-${crypto.randomUUID().slice(0, 8)}`;
  const res = await postAi("nova3", chatBody(chatId, pacedMessage(`cut${k}`)), { user });
  expect(res.status).toBe(200);
  const sessionId = res.headers.get("X-Session-Id") ?? "";
  const first = await readUi(res, k);
  return { chatId, sessionId, first };
}

describe("GET /ai/nova3/:chatId/stream resumes a run mid-way", () => {
  const CUTS = [1, 2, 3, 5, 8, 12, 17, 23, 30, 38, 47, 57];

  it.each(CUTS)("cut after %i chunks: compact replay then live builds the uninterrupted message", async (k) => {
    const { chatId, sessionId, first } = await startAndCut(k);
    expect(first.chunks).toHaveLength(k);
    const res = await api(`/ai/nova3/${chatId}/stream`);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-vercel-ai-ui-message-stream")).toBe("v1");
    const resumed = await readUi(res);
    expect(resumed.done).toBe(true);
    expect(resumed.chunks[0]).toMatchObject({
      type: "start",
      messageId: first.chunks[0].type === "start" && first.chunks[0].messageId,
    });

    // Compact: no event group (the replay included) carries two deltas of one text part.
    for (const group of groups(resumed)) {
      const deltas = group.map((d) => (d === "[DONE]" ? {} : JSON.parse(d))).filter((c) => c.type === "text-delta");
      expect(new Set(deltas.map((c) => c.id)).size).toBe(deltas.length);
    }
    const { message, errors } = await rebuild(resumed.chunks);
    expect(errors).toEqual([]);
    expect(message).toEqual(await uninterrupted(sessionId));
    for (const [agent, text] of Object.entries(await finalTexts(sessionId)))
      expect(agentText(message, agent)).toBe(text);
    const discarded = message?.parts.filter((p) => p.type === "text" && p.providerMetadata?.edgeStream?.discarded);
    expect(discarded).toHaveLength(1);
  });

  it("continues exactly after Last-Event-ID: what was read plus the continuation is the whole message", async () => {
    const { chatId, sessionId, first } = await startAndCut(20);
    // Chunks after the last frame with an id belong to an event the client has not wholly seen.
    let seen = first.frames.length;
    while (seen > 0 && first.frames[seen - 1].id === undefined) seen -= 1;
    const lastId = first.frames[seen - 1]?.id ?? "0";
    const res = await api(`/ai/nova3/${chatId}/stream`, { headers: { "Last-Event-ID": lastId } });
    expect(res.status).toBe(200);
    const rest = await readUi(res);
    expect(rest.chunks.some((c) => c.type === "start")).toBe(false);
    const { message } = await rebuild([...first.chunks.slice(0, seen), ...rest.chunks]);
    expect(message).toEqual(await uninterrupted(sessionId));
  });

  it.each([
    ["with the partial message the page kept", true],
    ["with only the user's message", false],
  ])("a reloaded useChat (resume: true) %s ends with the uninterrupted message", async (_name, keepPartial) => {
    const { chatId, sessionId, first } = await startAndCut(15);
    const user: UIMessage = { id: "u1", role: "user", parts: [{ type: "text", text: "kept" }] };
    const partial = (await rebuild(first.chunks)).message;
    const messages = keepPartial && partial ? [user, partial] : [user];
    const chat = new TestChat({ id: chatId, messages, transport: await aiTransport("nova3") });
    await chat.resumeStream();
    expect(chat.status).toBe("ready");
    expect(chat.messages).toEqual([user, await uninterrupted(sessionId)]);
  });
});

describe("while a chat's run is active", () => {
  it("stop cancels it: the stream ends with abort and finish; a second stop is 404", async () => {
    const chatId = `stop-${crypto.randomUUID()}`;
    const res = await postAi("nova3", chatBody(chatId, pacedMessage("stop")));
    const reader = readUi(res);
    await new Promise((r) => setTimeout(r, 300));
    const stop = await api(`/ai/nova3/${chatId}/stop`, { method: "POST" });
    expect(stop.status).toBe(202);
    expect(await stop.json()).toMatchObject({ chat_id: chatId, status: "cancelling" });
    const { chunks, done } = await reader;
    expect(done).toBe(true);
    expect(chunks.slice(-2)).toEqual([
      { type: "abort", reason: "The run was cancelled." },
      { type: "finish", finishReason: "other", messageMetadata: { status: "cancelled" } },
    ]);
    const again = await api(`/ai/nova3/${chatId}/stop`, { method: "POST" });
    expect(again.status).toBe(404);
  });

  it("a second turn is 409, and another user with the same chat id can neither resume nor stop it", async () => {
    const chatId = `busy-${crypto.randomUUID()}`;
    const other = { user: `intruder-${crypto.randomUUID().slice(0, 8)}` };
    const res = await postAi("nova3", chatBody(chatId, pacedMessage("busy")));
    const reader = readUi(res);
    await new Promise((r) => setTimeout(r, 200));
    const second = await postAi("nova3", chatBody(chatId, "me too"));
    expect(second.status).toBe(409);
    expect(await second.json()).toMatchObject({ error: { code: "run_active" } });
    expect((await api(`/ai/nova3/${chatId}/stream`, {}, other)).status).toBe(204);
    expect((await api(`/ai/nova3/${chatId}/stop`, { method: "POST" }, other)).status).toBe(404);
    const { chunks } = await reader;
    expect(chunks.at(-1)).toMatchObject({ type: "finish", messageMetadata: { status: "completed" } });
  });
});
