/**
 * A wrong OPENAI_BASE_URL for real: the provider alone, under Node, against the fake endpoint
 * given the base URL without its `/v1`, as a newcomer writes it. The endpoint answers 404.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/env";
import { OpenAiProvider } from "../../src/llm/openai-provider";
import { isRetryable } from "../../src/llm/retry";
import { ERROR_TYPES } from "../../src/protocol/events";
import { type FakeOpenAi, startFakeOpenAi } from "../helpers/fake-openai";

let server: FakeOpenAi;
beforeAll(async () => {
  server = await startFakeOpenAi();
});
afterAll(() => server.close());

async function failure(baseUrl: string): Promise<unknown> {
  const config = loadConfig({ OPENAI_API_KEY: "test", OPENAI_BASE_URL: baseUrl, LLM_MODEL: "llama3.2" });
  const provider = new OpenAiProvider(config);
  const request = {
    model: provider.defaultModel,
    messages: [{ role: "user" as const, content: "Hi" }],
    signal: new AbortController().signal,
  };
  try {
    for await (const _ of provider.stream(request));
  } catch (error) {
    return error;
  }
  throw new Error("the attempt did not fail");
}

describe("a base URL without /v1", () => {
  it("is a configuration error that names the URL called and what to check, never retried", async () => {
    const root = `http://127.0.0.1:${server.port}`;
    const error = await failure(root);
    expect(error).toMatchObject({ errorType: ERROR_TYPES.CONFIG_ERROR, status: 404 });
    expect(isRetryable(error)).toBe(false);
    const message = error instanceof Error ? error.message : "";
    expect(message).toContain(`the endpoint ${root}/chat/completions answered 404`);
    expect(message).toContain("check OPENAI_BASE_URL (it usually ends in /v1) and LLM_MODEL");
    expect(message).toContain('"llama3.2"');
  });
});
