import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/env";
import { DemoModel } from "../../src/llm/demo-model";
import { OPENAI_DEFAULT_MODEL, OpenAiProvider } from "../../src/llm/openai-provider";
import { modelFor, selectProvider } from "../../src/llm/select-provider";

describe("LLM configuration", () => {
  it("uses the demo model when no key is set, and the retry defaults of the design", () => {
    const config = loadConfig({});
    expect(config.llmProvider).toBe("demo");
    expect(selectProvider({}, config)).toBeInstanceOf(DemoModel);
    expect(selectProvider({}, config).defaultModel).toBe("demo");
    expect([config.llmMaxRetries, config.llmRetryBaseMs, config.llmRetryFactor]).toEqual([3, 1000, 2]);
    expect(config.llmFallbackModel).toBe("");
  });

  it("goes live on openai when OPENAI_API_KEY is set, unless LLM_PROVIDER says otherwise", () => {
    const live = loadConfig({ OPENAI_API_KEY: "sk-test" });
    expect(live.llmProvider).toBe("openai");
    const provider = selectProvider({}, live);
    expect(provider).toBeInstanceOf(OpenAiProvider);
    expect(provider.defaultModel).toBe(OPENAI_DEFAULT_MODEL);
    expect(loadConfig({ OPENAI_API_KEY: "sk-test", LLM_PROVIDER: "demo" }).llmProvider).toBe("demo");
    expect(loadConfig({ LLM_PROVIDER: "OpenAI" }).llmProvider).toBe("openai");
    expect(() => loadConfig({ LLM_PROVIDER: "claude" })).toThrow(/LLM_PROVIDER must be one of demo, openai/);
  });

  it("reads models, per-agent overrides, the fallback and the endpoint", () => {
    const config = loadConfig({
      OPENAI_API_KEY: "k",
      OPENAI_BASE_URL: "http://127.0.0.1:11434/v1",
      LLM_MODEL: "llama3.1",
      LLM_MODEL_CONTENT_AGENT: " big-model ",
      LLM_MODEL_PROFILE_AGENT: "",
      LLM_FALLBACK_MODEL: "small-model",
      LLM_IDLE_TIMEOUT_MS: "5000",
      LLM_MAX_RETRIES: "5",
      LLM_RETRY_FACTOR: "1.5",
    });
    expect(config.openaiBaseUrl).toBe("http://127.0.0.1:11434/v1");
    expect(config.llmAgentModels).toEqual({ content_agent: "big-model" });
    expect(config.llmFallbackModel).toBe("small-model");
    expect([config.llmIdleTimeoutMs, config.llmMaxRetries, config.llmRetryFactor]).toEqual([5000, 5, 1.5]);
    const llm = selectProvider({}, config);
    expect(modelFor(config, llm, "content_agent")).toBe("big-model");
    expect(modelFor(config, llm, "profile_agent")).toBe("llama3.1");
  });

  it("fails an openai attempt as `auth` when the provider is forced without a key", async () => {
    const provider = selectProvider({}, loadConfig({ LLM_PROVIDER: "openai" }));
    const attempt = async () => {
      for await (const _ of provider.stream({ model: "m", messages: [], signal: new AbortController().signal })) {
        // no chunk can arrive
      }
    };
    await expect(attempt()).rejects.toMatchObject({ errorType: "auth", message: "OPENAI_API_KEY is not set" });
  });
});
