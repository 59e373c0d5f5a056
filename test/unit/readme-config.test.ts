/**
 * README.md's Configuration table and the settings schema cannot drift apart: every setting the
 * schema defines has a row with the same default and the same accepted values, and every row names
 * a setting the schema defines.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { ACCESS_FIELDS } from "../../src/config/access-settings";
import { SETTINGS } from "../../src/config/fields";
import { CONFIG_FIELDS } from "../../src/config/settings";

interface Row {
  setting: string;
  default: string;
  accepts: string;
}

/** The rows of the first table under `## Configuration`, backticks and "(secret)" stripped. */
function configurationTable(markdown: string): Row[] {
  const section = markdown.split(/^## /m).find((part) => part.startsWith("Configuration\n")) ?? "";
  const lines = section.split("\n").filter((line) => line.startsWith("|"));
  return lines.slice(2).map((line) => {
    const [setting, fallback, accepts] = line
      .slice(1, -1)
      .split("|")
      .map((cell) => cell.trim().replace(/`/g, ""));
    return { setting: setting.replace(/\s*\(secret\)$/, ""), default: fallback, accepts };
  });
}

const rows = configurationTable(readFileSync(new URL("../../README.md", import.meta.url), "utf8"));
const schemas: z.ZodType[] = [CONFIG_FIELDS, ACCESS_FIELDS].flatMap((fields) => Object.values(fields));
const settings = schemas.map((schema) => {
  const meta = SETTINGS.get(schema);
  if (!meta) throw new Error("a field without its var name");
  return { schema, ...meta };
});

/** "—" in the table: the setting has no value of its own when unset. */
const NONE = "—";
const isEmpty = (value: unknown) =>
  value === undefined ||
  value === "" ||
  (typeof value === "object" && value !== null && Object.keys(value).length === 0);

describe("README.md's Configuration table", () => {
  it("is found, one setting a row", () => {
    expect(rows.length).toBeGreaterThan(30);
    for (const row of rows) expect(row.setting).toMatch(/^[A-Z][A-Z0-9_]*(<AGENT>)?$/);
  });

  it("has a row for every setting in the schema, and no row for anything else", () => {
    expect(rows.map((row) => row.setting).sort()).toEqual(settings.map((setting) => setting.env).sort());
  });

  it.each(settings)("gives $env its default and accepted values", ({ env, schema, accepts }) => {
    const row = rows.find((candidate) => candidate.setting === env);
    expect(row, `no row for ${env}`).toBeDefined();
    if (!row) return;
    const fallback = schema.parse(undefined);
    if (row.default === NONE) expect(isEmpty(fallback), `${env} has a default: ${JSON.stringify(fallback)}`).toBe(true);
    else expect(schema.parse(row.default)).toEqual(fallback);
    expect(row.accepts).toBe(accepts ?? NONE);
  });
});
