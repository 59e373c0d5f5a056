/**
 * The AI SDK routes' refusals and scoping on the real Worker: bad bodies and ids are 4xx JSON,
 * a chat id belongs to its user (the same id of two users is two sessions, and neither can reach
 * the other's), and resume / stop answer 204 / 404 when there is nothing to resume or stop.
 */
import { describe, expect, it } from "vitest";
import { chatBody, postAi, readUi } from "../helpers/ai-chat";
import { api } from "../helpers/api";
import { rebuild } from "../helpers/ui-messages";

const MAX_MESSAGE_CHARS = 32_000;
const MAX_BODY_BYTES = 64 * 1024;

async function expectJsonError(res: Response, status: number, code: string): Promise<string> {
  expect(res.status).toBe(status);
  expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  return body.error.message;
}

const text = (t: string) => [{ type: "text", text: t }];

describe("POST /ai/:pipeline refuses bad requests with 4xx JSON", () => {
  it.each([
    ["no messages", { id: "c1", messages: [] }, "messages"],
    ["no messages field", { id: "c1" }, "messages"],
    ["the last message is not the user's", { id: "c1", messages: [{ role: "assistant", parts: text("hi") }] }, "role"],
    ["empty text", { id: "c1", messages: [{ role: "user", parts: text("") }] }, "must not be empty"],
    ["no text part", { id: "c1", messages: [{ role: "user", parts: [{ type: "file", url: "x" }] }] }, "empty"],
    ["text over the limit", chatBody("c1", "x".repeat(MAX_MESSAGE_CHARS + 1)), `at most ${MAX_MESSAGE_CHARS}`],
    ["no id", { messages: [{ role: "user", parts: text("hi") }] }, "id"],
    ["an id with a slash", chatBody("a/b", "hi"), "id"],
    ["an id of 129 characters", chatBody("x".repeat(129), "hi"), "id"],
    ["an unknown trigger", chatBody("c1", "hi", { trigger: "resume-stream" }), "trigger"],
    ["options that are not an object", chatBody("c1", "hi", { options: [1] }), "options"],
  ])("%s: 400 invalid_body", async (_name, body, mentions) => {
    const message = await expectJsonError(await postAi("nova3", body), 400, "invalid_body");
    expect(message).toContain(mentions);
  });

  it("a body over MAX_BODY_BYTES: 413", async () => {
    const messages = [{ role: "user", parts: text("y".repeat(MAX_BODY_BYTES)) }];
    await expectJsonError(await postAi("nova3", { id: "c1", messages }), 413, "payload_too_large");
  });

  it("not JSON: 415; no token: 401; a pipeline that does not exist, or the WebSocket route: 404", async () => {
    await expectJsonError(
      await postAi("nova3", chatBody("c1", "hi"), {}, { "Content-Type": "text/plain" }),
      415,
      "unsupported_media_type",
    );
    await expectJsonError(await postAi("nova3", chatBody("c1", "hi"), { token: null }), 401, "unauthorized");
    await expectJsonError(await postAi("gpt", chatBody("c1", "hi")), 404, "not_found");
    await expectJsonError(await api("/ai/nova3/ws", { headers: { Upgrade: "websocket" } }), 404, "not_found");
  });

  it("a bad chat id in a path: 400 JSON", async () => {
    await expectJsonError(await api(`/ai/nova3/${"z".repeat(129)}/stream`), 400, "invalid_session_id");
    await expectJsonError(await api("/ai/loomi/bad.id/stop", { method: "POST" }), 400, "invalid_session_id");
  });
});

describe("a chat id belongs to its user", () => {
  it("gives two users with the same chat id two sessions, and neither reaches the other's", async () => {
    const chatId = `shared-${crypto.randomUUID()}`;
    const other = `other-${crypto.randomUUID().slice(0, 8)}`;
    const mine = await postAi("loomi", chatBody(chatId, "Hello from me"));
    const theirs = await postAi("loomi", chatBody(chatId, "Hello from them"), { user: other });
    expect(mine.status).toBe(200);
    expect(theirs.status).toBe(200);
    await Promise.all([readUi(mine), readUi(theirs)]);
    const mySession = mine.headers.get("X-Session-Id") ?? "";
    const theirSession = theirs.headers.get("X-Session-Id") ?? "";
    expect(mySession).not.toBe(theirSession);
    // The same chat id again lands in the same session for the same user.
    const again = await postAi("loomi", chatBody(chatId, "Me again"));
    expect(again.headers.get("X-Session-Id")).toBe(mySession);
    await readUi(again);
    await expectJsonError(await api(`/sessions/${mySession}`, {}, { user: other }), 404, "not_found");
    const snapshot = (await (await api(`/sessions/${mySession}`)).json()) as { runs: unknown[] };
    expect(snapshot.runs).toHaveLength(2);
  });
});

describe("resume and stop with nothing to resume or stop", () => {
  it("resume: 204 for a chat that does not exist and for an idle one", async () => {
    const unknown = await api(`/ai/nova3/never-${crypto.randomUUID()}/stream`);
    expect(unknown.status).toBe(204);
    expect(await unknown.text()).toBe("");
    const chatId = `idle-${crypto.randomUUID()}`;
    await readUi(await postAi("nova3", chatBody(chatId, "finish first")));
    const idle = await api(`/ai/nova3/${chatId}/stream`);
    expect(idle.status).toBe(204);
  });

  it("resume with ?message_id= replays that run, ended or not, compactly; an unknown id is 204", async () => {
    const chatId = `named-${crypto.randomUUID()}`;
    const res = await postAi("nova3", chatBody(chatId, "finish, then be replayed"));
    const live = await readUi(res);
    const runId = res.headers.get("X-Run-Id") ?? "";
    const replay = await api(`/ai/nova3/${chatId}/stream?message_id=${runId}`);
    expect(replay.status).toBe(200);
    const compact = await readUi(replay);
    expect(compact.done).toBe(true);
    expect(compact.chunks.length).toBeLessThan(live.chunks.length);
    expect((await rebuild(compact.chunks)).message).toEqual((await rebuild(live.chunks)).message);
    expect((await api(`/ai/nova3/${chatId}/stream?message_id=${crypto.randomUUID()}`)).status).toBe(204);
    const otherUser = await api(`/ai/nova3/${chatId}/stream?message_id=${runId}`, {}, { user: "someone-else" });
    expect(otherUser.status).toBe(204);
  });

  it("stop: 404 JSON for a chat that does not exist and for an idle one", async () => {
    await expectJsonError(
      await api(`/ai/nova3/never-${crypto.randomUUID()}/stop`, { method: "POST" }),
      404,
      "not_found",
    );
    const chatId = `idle-${crypto.randomUUID()}`;
    await readUi(await postAi("nova3", chatBody(chatId, "finish first")));
    await expectJsonError(await api(`/ai/nova3/${chatId}/stop`, { method: "POST" }), 404, "not_found");
  });
});
