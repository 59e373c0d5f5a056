/**
 * wrangler.toml's `assets.run_worker_first` against the app's own route table: every path the
 * Hono app serves must run the Worker before the static assets, so no file in public/ can shadow
 * an API route, and the list names nothing the app does not serve.
 */
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createApp } from "../../src/http/app";
import wranglerToml from "../../wrangler.toml?raw";

const { run_worker_first: patterns } = z
  .object({ run_worker_first: z.array(z.string()) })
  .parse(z.object({ assets: z.unknown() }).parse(parse(wranglerToml)).assets);

/** A pattern as the assets router reads it: `*` matches any run of characters, `!` excludes. */
function matches(pattern: string, path: string): boolean {
  const source = pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${source.join(".*")}$`).test(path);
}

function runsWorkerFirst(path: string): boolean {
  const excluded = patterns.some((p) => p.startsWith("!") && matches(p.slice(1), path));
  return !excluded && patterns.some((p) => !p.startsWith("!") && matches(p, path));
}

/** One concrete path per route: parameters (`:id`, `:id{...}`) and wildcards filled in. */
const servedPaths = [
  ...new Set(
    createApp()
      .routes.map((route) => route.path)
      .filter((path) => path !== "/*" && path !== "*") // middleware for every path, assets included
      .map((path) => path.replace(/:[^/]+/g, "x").replace(/\*/g, "x")),
  ),
];

describe("run_worker_first in wrangler.toml", () => {
  it("sends every path the app serves to the Worker", () => {
    expect(servedPaths.length).toBeGreaterThan(5);
    expect(servedPaths.filter((path) => !runsWorkerFirst(path))).toEqual([]);
  });

  it("lists only paths the app serves", () => {
    const unused = patterns.filter((p) => !p.startsWith("!") && !servedPaths.some((path) => matches(p, path)));
    expect(unused).toEqual([]);
  });

  it("leaves the demo pages to the assets", () => {
    const files = ["/", "/index.html", "/app.js", "/styles.css", "/ai.html", "/ai.js", "/ai.css", "/palette.css"];
    expect(files.filter(runsWorkerFirst)).toEqual([]);
  });
});
