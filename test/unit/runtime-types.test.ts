/**
 * The runtime types (`@cloudflare/workers-types/latest` in tsconfig.json) describe the runtime the
 * Worker is tested on and are not older than wrangler.toml's compatibility date: upgrading
 * workerd or moving the date without the types (or the reverse) fails here.
 */
import { readFileSync } from "node:fs";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");
const versionOf = (pkg: string) =>
  z.object({ version: z.string() }).parse(JSON.parse(read(`${pkg}/package.json`))).version;

/** The release date in a workerd-style version, `<major>.YYYYMMDD.<patch>`, as `YYYY-MM-DD`. */
function releaseDate(version: string): string {
  const [, y, m, d] = /^\d+\.(\d{4})(\d{2})(\d{2})\.\d+$/.exec(version) ?? [];
  if (!d) throw new Error(`not a dated version: ${version}`);
  return `${y}-${m}-${d}`;
}

describe("runtime types", () => {
  const typesDate = releaseDate(versionOf("node_modules/@cloudflare/workers-types"));

  it("come from the release of the workerd the tests run on", () => {
    expect(typesDate).toBe(releaseDate(versionOf("node_modules/workerd")));
  });

  it("are pinned exactly and cover the compatibility date", () => {
    const pinned = z
      .object({ devDependencies: z.record(z.string(), z.string()) })
      .parse(JSON.parse(read("package.json")));
    expect(pinned.devDependencies["@cloudflare/workers-types"]).toMatch(/^\d+\.\d{8}\.\d+$/);
    const { compatibility_date } = z.object({ compatibility_date: z.string() }).parse(parse(read("wrangler.toml")));
    expect(compatibility_date <= typesDate).toBe(true);
  });
});
