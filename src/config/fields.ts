/**
 * Building blocks of the settings schema. Each turns one Worker var (a string from `wrangler.toml`
 * vars, `.dev.vars` or a secret; a JSON number works too; unset or blank = its default) into a typed
 * value, and refuses anything else with a message that says what the setting accepts. A setting's
 * var name and description are registered with its schema, so the schema is its one definition.
 */
import { z } from "zod";
import { isOriginPattern } from "../lib/origin-patterns";

/** What the schema keeps about a setting besides its type. */
export interface SettingMeta {
  /** Its Worker var, e.g. `HEARTBEAT_MS`; a name ending in `<AGENT>` stands for every var with that prefix. */
  env: string;
  /** What it does, with its unit. */
  description: string;
  /** The values it accepts, when narrower than any text: `0–60000`, `on, off`. */
  accepts?: string;
  /** Its value never appears in an error message. */
  secret?: boolean;
}

/** The var name and description of every setting, keyed by its schema. */
export const SETTINGS = z.registry<SettingMeta>();

/** Stands for "any agent" at the end of a pattern setting's var name (`LLM_MODEL_<AGENT>`). */
export const AGENT_PLACEHOLDER = "<AGENT>";

/** Unset, null and blank all mean "not set"; strings are trimmed. */
function unsetIfBlank(value: unknown): unknown {
  if (value === null) return undefined;
  if (typeof value !== "string") return value;
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

function lowerCase(value: unknown): unknown {
  const set = unsetIfBlank(value);
  return typeof set === "string" ? set.toLowerCase() : set;
}

/** Text settings accept what `vars` can hold; a number or boolean reads as its text. */
function asText(value: unknown): unknown {
  const set = unsetIfBlank(value);
  return typeof set === "number" || typeof set === "boolean" ? String(set) : set;
}

/** A range of numbers, and the value used when the var is unset. */
export interface Range {
  default: number;
  min: number;
  max: number;
}

/** A whole number from `min` to `max`. */
export function integer(env: string, range: Range, description: string) {
  const error = `must be a whole number from ${range.min} to ${range.max}`;
  const value = z.coerce.number({ error }).int({ error }).min(range.min, { error }).max(range.max, { error });
  const accepts = `${range.min}–${range.max}`;
  return z.preprocess(unsetIfBlank, value.default(range.default)).register(SETTINGS, { env, description, accepts });
}

/** Any number from `min` to `max`. */
export function decimal(env: string, range: Range, description: string) {
  const error = `must be a number from ${range.min} to ${range.max}`;
  const value = z.coerce.number({ error }).min(range.min, { error }).max(range.max, { error });
  const accepts = `${range.min}–${range.max}`;
  return z.preprocess(unsetIfBlank, value.default(range.default)).register(SETTINGS, { env, description, accepts });
}

/** One of `values` (case-insensitive), or undefined when unset: the caller derives the default. */
export function choice<const T extends readonly [string, ...string[]]>(env: string, values: T, description: string) {
  const accepts = values.join(", ");
  const error = `must be one of ${accepts}`;
  return z
    .preprocess(lowerCase, z.enum(values, { error }).optional())
    .register(SETTINGS, { env, description, accepts });
}

/** `on` or `off` (default), read as a boolean. */
export function onOff(env: string, description: string) {
  const value = z.enum(["on", "off"], { error: "must be on or off" }).default("off");
  const meta = { env, description, accepts: "on, off" };
  return z
    .preprocess(
      lowerCase,
      value.transform((state) => state === "on"),
    )
    .register(SETTINGS, meta);
}

/** Text, trimmed; "" when unset. */
export function text(env: string, description: string, options: { secret?: boolean } = {}) {
  const value = z.string({ error: "must be text" }).default("");
  return z.preprocess(asText, value).register(SETTINGS, { env, description, ...options });
}

/** Text, trimmed; undefined when unset. */
export function optionalText(env: string, description: string) {
  return z.preprocess(asText, z.string({ error: "must be text" }).optional()).register(SETTINGS, { env, description });
}

/** A secret, exactly as given (never trimmed, never shown); undefined when unset or empty. */
export function secretText(env: string, description: string) {
  const set = (raw: unknown) => (raw === "" || raw === null ? undefined : raw);
  const value = z.preprocess(set, z.string({ error: "must be text" }).optional());
  return value.register(SETTINGS, { env, description, secret: true });
}

function isHttpUrl(raw: string): boolean {
  return URL.canParse(raw) && /^https?:$/.test(new URL(raw).protocol);
}

/** An http(s) URL, or "" when unset. */
export function url(env: string, description: string) {
  const value = z
    .string({ error: "must be text" })
    .default("")
    .refine((raw) => raw === "" || isHttpUrl(raw), { error: "must be an http(s) URL" });
  return z.preprocess(asText, value).register(SETTINGS, { env, description, accepts: "http(s) URL" });
}

/** A comma-separated list, blanks dropped; [] when unset. */
export function list(env: string, description: string) {
  const value = z.string({ error: "must be text" }).default("");
  const items = value.transform((raw) =>
    raw
      .split(",")
      .map((item) => item.trim())
      .filter((item) => item !== ""),
  );
  return z.preprocess(asText, items).register(SETTINGS, { env, description });
}

/** A comma-separated list of CORS origin patterns (src/lib/origin-patterns.ts); [] when unset. */
export function originList(env: string, description: string) {
  const error =
    "must be a comma-separated list of origins (https://app.example.com), origins on any port (http://localhost:*), or *";
  const value = list(env, description).refine((items) => items.every(isOriginPattern), { error });
  return value.register(SETTINGS, { env, description, accepts: "origins, *" });
}

/** Every var `<prefix><AGENT>` with a non-blank value, keyed by the lower-cased agent name. */
export function perAgentText(prefix: string, description: string) {
  const model = z.preprocess(asText, z.string({ error: "must be text" }).optional());
  const value = z.record(z.string(), model).default({});
  const set = value.transform((byAgent) => {
    const out: Record<string, string> = {};
    for (const [agent, model] of Object.entries(byAgent)) if (model) out[agent] = model;
    return out;
  });
  return set.register(SETTINGS, { env: `${prefix}${AGENT_PLACEHOLDER}`, description });
}
