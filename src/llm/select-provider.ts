/**
 * Chooses the language model from configuration: the built-in demo model unless an
 * OpenAI-compatible endpoint is configured.
 */
import type { Config } from "../env";
import { DemoModel } from "./demo-model";
import type { LlmProvider } from "./provider";

export function selectProvider(_env: object, config: Config): LlmProvider {
  return new DemoModel(config.demoTokenDelayMs, config.demoTokens);
}
