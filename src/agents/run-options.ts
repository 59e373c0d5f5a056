/**
 * Per-run options: the ones every pipeline takes (`model`, `temperature`, `max_tokens`,
 * `language`, `agents.<name>.model|temperature`, `skip`, `review`) plus the pipeline's own, as one strict
 * zod schema per pipeline (an unknown option is refused, naming it, never ignored), and what they
 * resolve to for each agent. The same schema is published as JSON Schema by `GET /pipelines`.
 */
import { z } from "zod";
import type { PipelineDefinition } from "./pipeline-definition";
import type { PlannedNode } from "./pipeline-graph";

/** Largest `max_tokens` a request may ask for: above any model's output limit today. */
export const MAX_TOKENS_LIMIT = 200_000;
/** Longest model name accepted in options. */
const MAX_MODEL_CHARS = 200;

/** A BCP 47 style language tag: `fr`, `de`, `pt-BR`, `zh-Hant`. */
export const LanguageCode = z
  .string()
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$/, { error: "must be a language code such as fr or pt-BR" });

/** The options every pipeline accepts, as they are after validation. */
export interface CommonOptions {
  model?: string;
  temperature?: number;
  max_tokens?: number;
  language?: string;
  agents?: Record<string, { model?: string; temperature?: number } | undefined>;
  skip?: string[];
  /** Agents after which the run pauses for a person's review (docs/interaction.md). */
  review?: string[];
}
export type RunOptions = CommonOptions & Record<string, unknown>;

function unknownKeys(what: string, keys: readonly string[]): string {
  const names = keys.map((key) => JSON.stringify(key)).join(", ");
  return `unknown ${what}${keys.length === 1 ? "" : "s"} ${names}`;
}

const strictError = (what: string) => ({
  error: (issue: { code?: string; keys?: readonly string[] }) =>
    issue.code === "unrecognized_keys" ? unknownKeys(what, issue.keys ?? []) : undefined,
});

/** A model name, from `allowed` when that list is not empty. */
function modelSchema(allowed: readonly string[]) {
  const error = `must be a model name of 1 to ${MAX_MODEL_CHARS} characters`;
  if (allowed.length === 0) return z.string({ error }).min(1, { error }).max(MAX_MODEL_CHARS, { error });
  return z.enum(allowed as [string, ...string[]], {
    error: `must be one of the allowed models (${allowed.join(", ")})`,
  });
}

/** The strict options schema of `def`; `allowedModels` is LLM_ALLOWED_MODELS (empty: any model). */
export function optionsSchema(def: PipelineDefinition, allowedModels: readonly string[]) {
  const model = modelSchema(allowedModels);
  const temperatureError = { error: "must be a number from 0 to 2" };
  const temperature = z.number(temperatureError).min(0, temperatureError).max(2, temperatureError);
  const maxTokensError = { error: `must be a whole number from 1 to ${MAX_TOKENS_LIMIT}` };
  const override = z.strictObject(
    { model: model.optional(), temperature: temperature.optional() },
    strictError("option"),
  );
  const agentShape = Object.fromEntries(def.agents.map((a) => [a.name, override.optional()]));
  const optional = def.agents.filter((a) => !a.required && a.forEach === undefined).map((a) => a.name);
  const notOptional = {
    error: `must name an optional agent of ${def.name}${optional.length ? ` (${optional.join(", ")})` : " (it has none)"}`,
  };
  const skippable = optional.length ? z.enum(optional as [string, ...string[]], notOptional) : z.never(notOptional);
  const names = def.agents.map((a) => a.name) as [string, ...string[]];
  const notAgent = (issue: { input?: unknown }) =>
    `${JSON.stringify(issue.input)} is not an agent of ${def.name} (${names.join(", ")})`;
  const review = z.array(z.enum(names, { error: notAgent }), { error: "must be a list of agent names" });
  return z.strictObject(
    {
      model: model.optional(),
      temperature: temperature.optional(),
      max_tokens: z.int(maxTokensError).min(1, maxTokensError).max(MAX_TOKENS_LIMIT, maxTokensError).optional(),
      language: LanguageCode.optional(),
      agents: z.strictObject(agentShape, strictError("agent")).optional(),
      skip: z.array(skippable, { error: "must be a list of agent names" }).optional(),
      review: review.optional(),
      ...def.options,
    },
    strictError("option"),
  );
}

/** What one agent of a run is called with. */
export interface AgentSettings {
  model: string;
  temperature?: number;
  max_tokens?: number;
}

/** The operator's models: LLM_MODEL_<AGENT> overrides and the provider's default (LLM_MODEL). */
export interface ModelDefaults {
  defaultModel: string;
  agentModels: Readonly<Record<string, string>>;
}

/**
 * The settings of one planned agent. Model: the request's `agents.<name>.model`, else its
 * `model`, else LLM_MODEL_<AGENT> (the instance's name, then its definition's), else the
 * definition's default, else LLM_MODEL / the provider's default. Temperature likewise, without
 * the operator's level. See docs/pipelines.md.
 */
export function agentSettings(node: PlannedNode, options: RunOptions, defaults: ModelDefaults): AgentSettings {
  const def = node.definition;
  const own = options.agents?.[def.name];
  const model =
    own?.model ??
    options.model ??
    defaults.agentModels[node.name] ??
    defaults.agentModels[def.name] ??
    def.model ??
    defaults.defaultModel;
  const temperature = own?.temperature ?? options.temperature ?? def.temperature;
  return {
    model,
    ...(temperature === undefined ? {} : { temperature }),
    ...(options.max_tokens === undefined ? {} : { max_tokens: options.max_tokens }),
  };
}
