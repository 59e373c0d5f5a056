/**
 * The pipeline a run-starting route names (404 when unknown) and the body's `options`, in two
 * passes. First, for every route alike: bounded nesting and size (the generic guard), then a JSON
 * object. Then, once the pipeline is known, its own strict schema (src/agents/run-options.ts): an
 * unknown option is a 400 naming it, never accepted and ignored.
 */
import type { Context, MiddlewareHandler } from "hono";
import { z } from "zod";
import type { PipelineDefinition } from "../agents/pipeline-definition";
import { findPipeline } from "../agents/pipelines";
import { optionsSchema, type RunOptions } from "../agents/run-options";
import type { Config } from "../env";
import type { AppEnv } from "./app-env";
import { ApiError } from "./errors";
import { boundedJson } from "./json-bounds";

/** Deepest nesting accepted in `options` (`{}` is 1): room for any real option, far below what recursion can suffer. */
export const MAX_OPTIONS_DEPTH = 8;
/** Largest `options`, bytes of JSON: options are a few short settings, not content. */
export const MAX_OPTIONS_BYTES = 4096;

export const ChatOptions = boundedJson(MAX_OPTIONS_DEPTH, MAX_OPTIONS_BYTES).pipe(
  z.record(z.string(), z.unknown(), { error: "must be an object" }),
);
export type ChatOptions = z.infer<typeof ChatOptions>;

/** Schemas built so far, per pipeline and allowed-models list (both fixed for an isolate's life). */
const schemas = new Map<string, ReturnType<typeof optionsSchema>>();

/** `def`'s options schema under this configuration's LLM_ALLOWED_MODELS. */
export function pipelineOptions(def: PipelineDefinition, config: Config) {
  const key = `${def.name}\n${config.llmAllowedModels.join(",")}`;
  let schema = schemas.get(key);
  if (!schema) {
    schema = optionsSchema(def, config.llmAllowedModels);
    schemas.set(key, schema);
  }
  return schema;
}

/** `raw` validated as `def`'s options, or a 400 `invalid_body` naming each bad option. */
export function parseRunOptions(def: PipelineDefinition, raw: Record<string, unknown>, config: Config): RunOptions {
  const parsed = pipelineOptions(def, config).safeParse(raw);
  if (parsed.success) return parsed.data as RunOptions;
  const problems = parsed.error.issues.map(
    (issue) => `${["options", ...issue.path.map(String)].join(".")}: ${issue.message}`,
  );
  throw new ApiError("invalid_body", problems.join("; "));
}

/** The registered pipeline `name`, or a 404. */
export function requirePipeline(name: string): PipelineDefinition {
  const def = findPipeline(name);
  if (!def) throw new ApiError("not_found", `no pipeline named ${JSON.stringify(name)} (GET /pipelines lists them)`);
  return def;
}

/** Middleware: a 404 for an unknown pipeline before the body is looked at. */
export function knownPipeline(nameOf: (c: Context<AppEnv>) => string): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    requirePipeline(nameOf(c));
    await next();
  };
}
