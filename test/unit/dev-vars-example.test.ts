/**
 * `.dev.vars.example` is what a newcomer copies: it says that a change needs `npm run dev`
 * restarted, every setting it shows exists, and each recipe in it is a configuration the Worker
 * starts with.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ACCESS_FIELDS } from "../../src/config/access-settings";
import { AGENT_PLACEHOLDER, SETTINGS } from "../../src/config/fields";
import { CONFIG_FIELDS } from "../../src/config/settings";
import { loadConfig, validateSettings } from "../../src/env";

const example = readFileSync(new URL("../../.dev.vars.example", import.meta.url), "utf8");
const llmDoc = readFileSync(new URL("../../docs/llm.md", import.meta.url), "utf8");

/** The commented `# NAME=value` lines of one `# --- title ---` block. */
function recipe(title: string): Record<string, string> {
  const block = example.split(/^# --- /m).find((part) => part.startsWith(title)) ?? "";
  return Object.fromEntries([...block.matchAll(/^# ([A-Z][A-Z0-9_]*)=(\S+)/gm)].map((m) => [m[1], m[2]]));
}

describe(".dev.vars.example", () => {
  it("says that npm run dev must be restarted after a change, as docs/llm.md does", () => {
    const prose = example.replace(/\n#\s*/g, " ");
    expect(prose).toMatch(/after changing it, stop npm run dev \(Ctrl\+C\) and start it again/);
    expect(llmDoc).toMatch(/reads `.dev.vars` only when it starts/);
  });

  it("shows only settings that exist", () => {
    const vars = [CONFIG_FIELDS, ACCESS_FIELDS].flatMap((fields) =>
      Object.values(fields).map((schema) => SETTINGS.get(schema)?.env ?? ""),
    );
    const exists = (name: string) =>
      vars.some(
        (v) => v === name || (v.endsWith(AGENT_PLACEHOLDER) && name.startsWith(v.slice(0, -AGENT_PLACEHOLDER.length))),
      );
    const shown = [...example.matchAll(/^# ([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]);
    expect(shown).toEqual(expect.arrayContaining(["OPENAI_BASE_URL", "OPENAI_API_KEY", "LLM_MODEL", "CORS_ORIGINS"]));
    expect(shown.filter((name) => !exists(name))).toEqual([]);
  });

  it("has an Ollama recipe the Worker starts with, on the openai provider at a /v1 base URL", () => {
    const ollama = recipe("A local Ollama");
    expect(ollama).toMatchObject({
      OPENAI_BASE_URL: "http://localhost:11434/v1",
      OPENAI_API_KEY: "ollama",
      LLM_MODEL: "llama3.2",
    });
    expect(() => validateSettings(ollama)).not.toThrow();
    expect(loadConfig(ollama)).toMatchObject({ llmProvider: "openai", llmModel: "llama3.2" });
  });

  it("has an OpenAI recipe the Worker starts with", () => {
    const openai = recipe("OpenAI");
    expect(Object.keys(openai)).toEqual(["OPENAI_API_KEY", "LLM_MODEL"]);
    expect(() => validateSettings(openai)).not.toThrow();
    expect(loadConfig(openai).llmProvider).toBe("openai");
  });
});
