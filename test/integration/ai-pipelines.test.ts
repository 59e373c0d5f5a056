/**
 * The AI SDK routes run any registered pipeline through the registry, with the same options
 * checks as `POST /runs/:pipeline`: `/ai/localize` fans out per language, a bad option is a 400
 * naming it, and an unknown pipeline is a 404 before the body is read.
 */
import { describe, expect, it } from "vitest";
import { chatBody, postAi, readUi } from "../helpers/ai-chat";
import { waitIdle } from "../helpers/api";

async function error(res: Response, status: number) {
  expect(res.status).toBe(status);
  return ((await res.json()) as { error: { code: string; message: string } }).error;
}

describe("/ai/:pipeline and the registry", () => {
  it("runs localize, a pipeline the AI routes were never told about, with its languages", async () => {
    const chatId = `loc-${crypto.randomUUID().slice(0, 8)}`;
    const res = await postAi(
      "localize",
      chatBody(chatId, "A product page for a solar backpack", { options: { languages: ["fr", "de"] } }),
    );
    expect(res.status).toBe(200);
    const read = await readUi(res);
    expect(read.done).toBe(true);
    const sessionId = res.headers.get("X-Session-Id") ?? "";
    const snap = await waitIdle<{
      runs: { mode: string; status: string; agents: Record<string, { status: string }> }[];
    }>(sessionId);
    expect(snap.runs[0]).toMatchObject({ mode: "localize", status: "completed" });
    expect(Object.keys(snap.runs[0].agents).sort()).toEqual(["localizer_de", "localizer_fr", "reviewer", "writer"]);
    expect(JSON.stringify(read.chunks)).toContain("localizer_de");
  });

  it("checks options against the pipeline's schema, and answers 404 for an unknown pipeline", async () => {
    expect(await error(await postAi("nova3", chatBody("c1", "hi", { options: { temperature: 9 } })), 400)).toEqual({
      code: "invalid_body",
      message: "options.temperature: must be a number from 0 to 2",
    });
    expect((await error(await postAi("localize", chatBody("c1", "hi")), 400)).message).toBe(
      "options.languages: must be a list of 1 to 10 language codes",
    );
    expect(await error(await postAi("nope", "not even json"), 404)).toEqual({
      code: "not_found",
      message: 'no pipeline named "nope" (GET /pipelines lists them)',
    });
  });
});
