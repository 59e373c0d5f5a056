/** The provider alone, under Node, against the fake endpoint: what it yields and how each attempt ends. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/env";
import { OpenAiProvider } from "../../src/llm/openai-provider";
import { ERROR_TYPES } from "../../src/protocol/events";
import { type FakeOpenAi, startFakeOpenAi } from "../helpers/fake-openai";
import { waitForFakeRequests } from "../helpers/fake-openai-log";

let server: FakeOpenAi;
let provider: OpenAiProvider;

beforeAll(async () => {
  server = await startFakeOpenAi();
  provider = new OpenAiProvider(
    loadConfig({
      OPENAI_API_KEY: "test",
      OPENAI_BASE_URL: `http://127.0.0.1:${server.port}/v1`,
      LLM_MODEL: "unit-model",
      LLM_IDLE_TIMEOUT_MS: "1000",
    }),
  );
});
afterAll(() => server.close());

function request(directive: string, signal = new AbortController().signal) {
  return {
    model: provider.defaultModel,
    messages: [
      { role: "system" as const, content: "You are the test agent." },
      { role: "user" as const, content: `Hi [[fake scenario=${directive}]]` },
    ],
    signal,
  };
}

/** Collects an attempt's deltas, and how it ended. */
async function attempt(req: ReturnType<typeof request>): Promise<{ deltas: string[]; error?: unknown }> {
  const deltas: string[] = [];
  try {
    for await (const delta of provider.stream(req)) deltas.push(delta);
    return { deltas };
  } catch (error) {
    return { deltas, error };
  }
}

describe("OpenAiProvider", () => {
  it("yields the streamed deltas in order and ends cleanly after finish_reason and [DONE]", async () => {
    const { deltas, error } = await attempt(request("u-ok tokens=3"));
    expect(error).toBeUndefined();
    expect(deltas).toEqual(["[test agent@unit-model] ", "word1 ", "word2."]);
  });

  it("classifies a content-filter stop (never retried) and a stall (retried)", async () => {
    const filtered = await attempt(request("u-filter filter=2"));
    expect(filtered.deltas).toHaveLength(2);
    expect(filtered.error).toMatchObject({ errorType: ERROR_TYPES.CONTENT_FILTER });
    const stalled = await attempt(request("u-stall stall=1"));
    expect(stalled.deltas).toHaveLength(1);
    expect(stalled.error).toMatchObject({ errorType: ERROR_TYPES.STALL });
  });

  it("rejects with the cancel reason and closes the upstream connection when the signal aborts", async () => {
    const controller = new AbortController();
    const reason = new Error("run cancelled");
    const deltas: string[] = [];
    const run = (async () => {
      for await (const delta of provider.stream(request("u-cancel tokens=400 delay=20", controller.signal))) {
        deltas.push(delta);
        if (deltas.length === 3) controller.abort(reason);
      }
    })();
    await expect(run).rejects.toBe(reason);
    const origin = `http://127.0.0.1:${server.port}`;
    const [record] = await waitForFakeRequests(origin, "u-cancel", ([first]) => first?.client_closed === true, 5_000);
    expect(record.client_closed).toBe(true);
    expect(record.chunks_sent).toBeLessThan(400);
  });
});
