/**
 * Configuration, loaded from the settings defined once in src/config/ (each one's var, type,
 * default, range and meaning). Values come from `wrangler.toml` vars, `.dev.vars` locally, or
 * secrets in production. A bad value is never replaced by its default: it is refused with a
 * ConfigError naming the setting and what it accepts, and src/index.ts checks every setting when
 * the Worker starts, so a bad configuration stops `wrangler dev` or a deploy instead of serving.
 */
import type { z } from "zod";
import { ACCESS_FIELDS, ACCESS_SCHEMA } from "./config/access-settings";
import { CONFIG_SCHEMA } from "./config/config-schema";
import { ConfigError, type Fields, parseSettings } from "./config/parse";
import { CONFIG_FIELDS } from "./config/settings";

export { ConfigError } from "./config/parse";
export { AGENT_MODEL_PREFIX, LLM_PROVIDERS, type LlmProviderName } from "./config/settings";

/** Parsed configuration used by the Worker and the session object; each field is described in src/config/settings.ts. */
export type Config = z.output<typeof CONFIG_SCHEMA>;

/** Authentication and browser-access settings, described in src/config/access-settings.ts. */
export type AccessConfig = z.output<typeof ACCESS_SCHEMA>;

/** Parses one group of settings, once per environment object (the Worker's env is the same object for every request). */
function loader<S extends z.ZodType>(schema: S, fields: Fields): (env: object) => Readonly<z.output<S>> {
  const parsed = new WeakMap<object, Readonly<z.output<S>>>();
  return (env) => {
    let value = parsed.get(env);
    if (value === undefined) {
      value = Object.freeze(parseSettings(schema, fields, env));
      parsed.set(env, value);
    }
    return value;
  };
}

/** Reads the configuration from the environment; throws ConfigError if any setting is bad. */
export const loadConfig: (env: object) => Config = loader(CONFIG_SCHEMA, CONFIG_FIELDS);

/** The configuration of an empty environment: every setting at its default. */
export const DEFAULTS: Config = loadConfig({});

/** Reads AUTH_SECRET, AUTH_ISSUER, AUTH_AUDIENCE, CORS_ORIGINS and DEV_TOKENS; throws ConfigError if one is bad. */
export const loadAccessConfig: (env: object) => AccessConfig = loader(ACCESS_SCHEMA, ACCESS_FIELDS);

/** Checks every setting at once; throws one ConfigError listing each bad one. Called when the Worker starts. */
export function validateSettings(env: object): void {
  const problems: string[] = [];
  for (const load of [loadConfig, loadAccessConfig]) {
    try {
      load(env);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
}
