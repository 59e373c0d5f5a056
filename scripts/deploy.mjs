#!/usr/bin/env node
/**
 * `npm run deploy [-- <wrangler deploy options>]`: refuses a configuration for local development
 * (DEV_TOKENS on, the published dev secret, AUTH_SECRET as a plain var) before anything is
 * uploaded, then bundles the demo pages and runs `wrangler deploy` with the same options.
 *
 * The settings checked are the ones wrangler would upload: the vars of the wrangler configuration
 * for the chosen environment, read by wrangler's own reader (so wrangler.toml, wrangler.jsonc or
 * wrangler.json, `--config`, `--env`/CLOUDFLARE_ENV and `--cwd` resolve as they do for the deploy
 * itself), `--var` on the command line and `--secrets-file`. Secrets already stored with
 * `wrangler secret put` and vars kept with `--keep-vars` are not visible here; the Worker itself
 * refuses to serve a development configuration to anyone but the local machine.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { unstable_readConfig } from "wrangler";
import { buildDemo } from "./build-demo.mjs";
import { deployRefusals, optionValue, parseSecretsFile, varsFromArgs } from "./deploy-check.mjs";
import { devSecret } from "./dev-config.mjs";

const argv = process.argv.slice(2);
const startDir = process.cwd();
const cwd = resolve(startDir, optionValue(argv, "cwd") ?? ".");

function configVars() {
  process.chdir(cwd);
  try {
    const config = unstable_readConfig(
      { config: optionValue(argv, "config", "c"), env: optionValue(argv, "env", "e") },
      { hideWarnings: true, useRedirectIfAvailable: true },
    );
    return config.vars ?? {};
  } finally {
    process.chdir(startDir);
  }
}

const secretsFile = optionValue(argv, "secrets-file");
const reasons = deployRefusals(
  {
    config: configVars(),
    args: varsFromArgs(argv),
    secrets: secretsFile === undefined ? undefined : parseSecretsFile(readFileSync(resolve(cwd, secretsFile), "utf8")),
  },
  devSecret(),
);
if (reasons.length > 0) {
  console.error("npm run deploy: refusing to deploy a configuration for local development:");
  for (const reason of reasons) console.error(`  - ${reason}`);
  console.error("See docs/security.md (Local development). Nothing was uploaded.");
  process.exit(1);
}

// The demo pages' bundles are built here, not by a wrangler build step (see scripts/dev.mjs).
await buildDemo();
const wrangler = createRequire(import.meta.url).resolve("wrangler/bin/wrangler.js");
const result = spawnSync(process.execPath, [wrangler, "deploy", ...argv], { stdio: "inherit" });
process.exit(result.status ?? 1);
