/**
 * Reading one group of settings from the environment. Nothing bad is replaced by a default: the
 * error names every bad setting and what it accepts (never a secret's value).
 */
import type { z } from "zod";
import { AGENT_PLACEHOLDER, SETTINGS } from "./fields";

/** One group of settings: field name -> its schema (registered in SETTINGS). */
export type Fields = Record<string, z.ZodType>;

/** A configuration the Worker refuses to run with. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join("; ")}`);
    this.name = "ConfigError";
  }
}

/** The Worker var a setting is read from. */
export function varName(schema: z.ZodType): string {
  const meta = SETTINGS.get(schema);
  if (!meta) throw new Error("not a registered setting");
  return meta.env;
}

/** Each field's raw value: its var, or for a pattern setting every var with the pattern's prefix. */
function readVars(fields: Fields, vars: Record<string, unknown>): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [field, schema] of Object.entries(fields)) {
    const name = varName(schema);
    if (!name.endsWith(AGENT_PLACEHOLDER)) {
      input[field] = vars[name];
      continue;
    }
    const prefix = name.slice(0, -AGENT_PLACEHOLDER.length);
    const byAgent: Record<string, unknown> = {};
    for (const key of Object.keys(vars)) {
      if (key.startsWith(prefix) && key.length > prefix.length)
        byAgent[key.slice(prefix.length).toLowerCase()] = vars[key];
    }
    input[field] = byAgent;
  }
  return input;
}

type Issue = z.ZodError["issues"][number];

/** "HEARTBEAT_MS must be a whole number from 100 to 300000 (got "fast")"; a rule across settings names them itself. */
function describe(issue: Issue, fields: Fields, input: Record<string, unknown>): string {
  const [field, agent] = issue.path;
  const schema = typeof field === "string" ? fields[field] : undefined;
  const meta = schema && SETTINGS.get(schema);
  if (!meta || typeof field !== "string") return issue.message;
  const name = meta.env.replace(AGENT_PLACEHOLDER, String(agent ?? AGENT_PLACEHOLDER).toUpperCase());
  const raw = input[field];
  const shown = meta.secret || raw === undefined || typeof raw === "object" ? "" : ` (got ${JSON.stringify(raw)})`;
  return `${name} ${issue.message}${shown}`;
}

/** Parses `fields` out of `env` with `schema` (their object, with any rules across them), or throws ConfigError. */
export function parseSettings<S extends z.ZodType>(schema: S, fields: Fields, env: object): z.output<S> {
  const input = readVars(fields, env as Record<string, unknown>);
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((issue) => describe(issue, fields, input)));
}
