/**
 * What `npm run deploy` refuses to upload (scripts/deploy.mjs): a configuration for local
 * development. The Worker refuses to serve one too (src/http/dev-guard.ts); refusing before the
 * upload keeps it from going live at all. Pure functions over wrangler's arguments and the vars
 * wrangler resolved, so they are tested without deploying.
 */

/** The value of `--name <v>`, `--name=<v>` or `-s <v>` in wrangler's arguments (the last one wins, as in yargs). */
export function optionValue(argv, name, short) {
  let value;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg.startsWith(`--${name}=`)) value = arg.slice(name.length + 3);
    else if ((arg === `--${name}` || (short && arg === `-${short}`)) && i + 1 < argv.length) value = argv[++i];
  }
  return value;
}

/**
 * The `--var NAME:VALUE` pairs of wrangler's arguments, read as wrangler reads them: an array
 * option (`--var A:1 B:2` takes every following word up to the next option, `--var=A:1` one),
 * each split at its first colon.
 */
export function varsFromArgs(argv) {
  const vars = {};
  for (let i = 0; i < argv.length; i++) {
    const pairs = [];
    if (argv[i].startsWith("--var=")) pairs.push(argv[i].slice(6));
    else if (argv[i] === "--var") while (i + 1 < argv.length && !argv[i + 1].startsWith("-")) pairs.push(argv[++i]);
    for (const pair of pairs) {
      const [key, ...value] = pair.split(":");
      vars[key] = value.join(":");
    }
  }
  return vars;
}

/** The secrets of a `--secrets-file`: a JSON object, or `.env` lines (`NAME=value`, optionally quoted). */
export function parseSecretsFile(text) {
  try {
    const parsed = JSON.parse(text);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed;
  } catch {
    // Not JSON: .env format.
  }
  const secrets = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([\w.-]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match || line.trimStart().startsWith("#")) continue;
    secrets[match[1]] = match[2].replace(/^(["'])(.*)\1$/, "$2");
  }
  return secrets;
}

/** DEV_TOKENS as the Worker reads it (src/env.ts): on when the trimmed text is "on". */
function devTokensOn(value) {
  return typeof value === "string" && value.trim() === "on";
}

/**
 * Why this deployment must not be uploaded; empty when it may. `sources` are where settings come
 * from: `config` (the wrangler configuration's vars for the chosen environment), `args` (`--var`),
 * `secrets` (`--secrets-file`), each a record of name to value or undefined.
 */
export function deployRefusals(sources, devSecret) {
  const reasons = [];
  const where = { config: "the wrangler configuration's vars", args: "--var", secrets: "--secrets-file" };
  for (const [source, vars] of Object.entries(sources)) {
    if (!vars) continue;
    const from = where[source] ?? source;
    if (devTokensOn(vars.DEV_TOKENS)) {
      reasons.push(`DEV_TOKENS is on (${from}): it hands a token for any user to anyone who asks`);
    }
    if (vars.AUTH_SECRET === devSecret) {
      reasons.push(`AUTH_SECRET is the published development secret (${from}): anyone can sign tokens with it`);
    } else if (vars.AUTH_SECRET !== undefined && source !== "secrets") {
      reasons.push(
        `AUTH_SECRET is a plain var (${from}): vars are visible in the dashboard; use wrangler secret put AUTH_SECRET`,
      );
    }
  }
  return reasons;
}
