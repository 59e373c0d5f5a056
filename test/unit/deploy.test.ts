/**
 * `npm run deploy` refuses a configuration for local development before uploading anything:
 * DEV_TOKENS on or the published dev secret in the wrangler configuration (toml or jsonc, for the
 * chosen environment), on the command line (`--var`) or in a `--secrets-file`. The command runs
 * against throwaway projects (`--cwd`) with `--dry-run`, so nothing is ever uploaded.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { deployRefusals, optionValue, parseSecretsFile, varsFromArgs } from "../../scripts/deploy-check.mjs";
import { DEV_AUTH_SECRET } from "../../src/auth/dev-secret";

const ROOT = resolve(import.meta.dirname, "../..");
const dirs: string[] = [];

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A throwaway Worker project with `files`; returns its directory. */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "edge-stream-deploy-"));
  dirs.push(dir);
  writeFileSync(join(dir, "index.js"), "export default { fetch: () => new Response('ok') };\n");
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const TOML = 'name = "probe"\nmain = "index.js"\ncompatibility_date = "2026-04-20"\n';

/** `npm run deploy -- --cwd <dir> --dry-run --outdir <dir>/dist ...args`. */
function deploy(dir: string, ...args: string[]) {
  const run = spawnSync(
    "npm",
    ["run", "-s", "deploy", "--", "--cwd", dir, "--dry-run", "--outdir", join(dir, "dist"), ...args],
    {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_ENV: "" },
      timeout: SLOW,
    },
  );
  return { status: run.status, stderr: run.stderr, built: existsSync(join(dir, "dist", "index.js")) };
}

/** Each run loads wrangler (seconds on a loaded machine); the allowed one also bundles. */
const SLOW = 180_000;

describe("npm run deploy", () => {
  it(
    "refuses DEV_TOKENS on and the published dev secret in wrangler.jsonc, and uploads nothing",
    () => {
      const vars = `"vars": { "DEV_TOKENS": "on", "AUTH_SECRET": "${DEV_AUTH_SECRET}" }`;
      const jsonc = `// config\n{ "name": "probe", "main": "index.js", "compatibility_date": "2026-04-20", ${vars} }\n`;
      const run = deploy(project({ "wrangler.jsonc": jsonc }));
      expect(run.status).toBe(1);
      expect(run.stderr).toContain("DEV_TOKENS is on (the wrangler configuration's vars)");
      expect(run.stderr).toContain(
        "AUTH_SECRET is the published development secret (the wrangler configuration's vars)",
      );
      expect(run.built).toBe(false);
    },
    SLOW,
  );

  it(
    "refuses them in wrangler.toml's chosen environment, on the command line and in a secrets file",
    () => {
      const dir = project({
        "wrangler.toml": `${TOML}[env.staging]\n[env.staging.vars]\nDEV_TOKENS = "on"\n`,
        "secrets.env": `AUTH_SECRET="${DEV_AUTH_SECRET}"\n`,
      });
      const run = deploy(
        dir,
        "--env",
        "staging",
        "--var",
        `AUTH_SECRET:${DEV_AUTH_SECRET}`,
        "--secrets-file",
        "secrets.env",
      );
      expect(run.status).toBe(1);
      expect(run.stderr).toContain("DEV_TOKENS is on (the wrangler configuration's vars)");
      expect(run.stderr).toContain("AUTH_SECRET is the published development secret (--var)");
      expect(run.stderr).toContain("AUTH_SECRET is the published development secret (--secrets-file)");
      expect(run.built).toBe(false);
    },
    SLOW,
  );

  it(
    "runs wrangler deploy with the same options when the configuration is not for development",
    () => {
      const run = deploy(project({ "wrangler.toml": `${TOML}[vars]\nDEV_TOKENS = "off"\n` }));
      expect(run.stderr).not.toContain("refusing");
      expect(run.status).toBe(0);
      expect(run.built).toBe(true);
    },
    SLOW,
  );
});

describe("deploy checks", () => {
  it("read --var as wrangler does", () => {
    expect(varsFromArgs(["--var", "A:1", "B:x:y", "--dry-run", "--var=DEV_TOKENS:on", "--var", "C:"])).toEqual({
      A: "1",
      B: "x:y",
      DEV_TOKENS: "on",
      C: "",
    });
    expect(optionValue(["-e", "a", "--env=b"], "env", "e")).toBe("b");
    expect(optionValue(["--config", "w.toml"], "config", "c")).toBe("w.toml");
  });

  it("read a secrets file as JSON or .env", () => {
    expect(parseSecretsFile('{"AUTH_SECRET":"s"}')).toEqual({ AUTH_SECRET: "s" });
    expect(parseSecretsFile('# c\nexport AUTH_SECRET="s"\nDEV_TOKENS=on\n')).toEqual({
      AUTH_SECRET: "s",
      DEV_TOKENS: "on",
    });
  });

  it("name each reason and where it came from", () => {
    const reasons = deployRefusals(
      { config: { DEV_TOKENS: " on " }, args: { AUTH_SECRET: "mine" }, secrets: { AUTH_SECRET: DEV_AUTH_SECRET } },
      DEV_AUTH_SECRET,
    );
    expect(reasons).toEqual([
      expect.stringMatching(/^DEV_TOKENS is on \(the wrangler configuration's vars\)/),
      expect.stringMatching(/^AUTH_SECRET is a plain var \(--var\)/),
      expect.stringMatching(/^AUTH_SECRET is the published development secret \(--secrets-file\)/),
    ]);
    const production = { config: { DEV_TOKENS: "off", LLM_MODEL: "m" }, secrets: { AUTH_SECRET: "x".repeat(40) } };
    expect(deployRefusals(production, DEV_AUTH_SECRET)).toEqual([]);
  });
});
