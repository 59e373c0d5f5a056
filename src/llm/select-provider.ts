/**
 * Chooses the language model from configuration: `LLM_PROVIDER` (by default `openai` when
 * OPENAI_API_KEY is set, else the built-in demo model). See docs/llm.md.
 */
import { type Config, LLM_PROVIDERS } from "../env";
import { DemoModel } from "./demo-model";
import { OpenAiProvider } from "./openai-provider";
import type { LlmProvider } from "./provider";

/** The provider LLM_PROVIDER selects (see Config.llmProvider for its default). */
export function selectProvider(_env: object, config: Config): LlmProvider {
  if (config.llmProvider === LLM_PROVIDERS.OPENAI) return new OpenAiProvider(config);
  return new DemoModel(config.demoTokenDelayMs, config.demoTokens, config.llmModel || undefined);
}

/** The model an agent uses: its `LLM_MODEL_<AGENT>` override, else the provider's default (LLM_MODEL). */
export function modelFor(config: Config, llm: LlmProvider, agent: string): string {
  return config.llmAgentModels[agent] || llm.defaultModel;
}
