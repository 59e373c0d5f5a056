/**
 * The schema of `Config`: the settings of settings.ts, and the one default that depends on another
 * setting (the provider).
 */
import { z } from "zod";
import { CONFIG_FIELDS, LLM_PROVIDERS } from "./settings";

/** Parses the settings of `Config`; an unset LLM_PROVIDER means openai when a key is set, else demo. */
export const CONFIG_SCHEMA = z.object(CONFIG_FIELDS).transform(({ llmProvider, ...rest }) => ({
  ...rest,
  llmProvider: llmProvider ?? (rest.openaiApiKey ? LLM_PROVIDERS.OPENAI : LLM_PROVIDERS.DEMO),
}));
