/**
 * README.md's API table against the app's own route table (`createApp().routes`), both ways: every
 * route the app serves has a row, and every route a row names is served. README.md is imported
 * as text (Vite's `?raw`): the app needs workerd, so it cannot be loaded in a Node test. Also
 * the /health row against what /health answers, and the errors paragraph against the error codes.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import readme from "../../README.md?raw";
import { createApp } from "../../src/http/app";
import { ERRORS } from "../../src/protocol/errors";

interface Route {
  method: string;
  path: string;
}

/** Every `` `METHOD /path` `` in the first column of the first table under `## API`. */
function documentedRoutes(markdown: string): Route[] {
  const section = markdown.split(/^## /m).find((part) => part.startsWith("API")) ?? "";
  const rows = section
    .split("\n")
    .filter((line) => line.startsWith("|"))
    .slice(2);
  return rows.flatMap((row) =>
    [...(row.split("|")[1] ?? "").matchAll(/`([A-Z]+) (\/[^`\s]*)`/g)].map(([, method, path]) => ({ method, path })),
  );
}

/** The app's routes, without the middleware registered for every method and path. */
function servedRoutes(): Route[] {
  const seen = new Map<string, Route>();
  for (const { method, path } of createApp().routes) {
    if (method !== "ALL") seen.set(`${method} ${path}`, { method, path });
  }
  return [...seen.values()];
}

/**
 * Whether a route pattern of the app serves a path as the README writes it: the same literal
 * segments, a parameter (`:id`) for a parameter, or a parameter whose pattern (`:mode{a|b}`)
 * accepts the README's literal segment.
 */
function serves(route: Route, documented: Route): boolean {
  if (route.method !== documented.method) return false;
  const pattern = route.path.split("/");
  const path = documented.path.split("/");
  if (pattern.length !== path.length) return false;
  return pattern.every((segment, i) => {
    const wanted = path[i];
    if (!segment.startsWith(":")) return segment === wanted;
    if (wanted.startsWith(":")) return true;
    const constraint = /\{(.+)\}$/.exec(segment)?.[1];
    return constraint === undefined || new RegExp(`^(?:${constraint})$`).test(wanted);
  });
}

const documented = documentedRoutes(readme);
const served = servedRoutes();
const name = (route: Route) => `${route.method} ${route.path}`;

describe("README.md's API table", () => {
  it("is found", () => {
    expect(documented.length).toBeGreaterThan(5);
    expect(served.length).toBeGreaterThan(5);
  });

  it("has a row for every route the app serves", () => {
    expect(served.filter((route) => !documented.some((row) => serves(route, row))).map(name)).toEqual([]);
  });

  it("names only routes the app serves", () => {
    expect(documented.filter((row) => !served.some((route) => serves(route, row))).map(name)).toEqual([]);
  });

  it("shows every field of the /health answer", async () => {
    const res = await createApp().fetch(new Request("https://edge.test/health"), env);
    const body = (await res.json()) as Record<string, unknown>;
    const row = readme.split("\n").find((line) => line.startsWith("| `GET /health`")) ?? "";
    expect(row).toContain('"status":"ok"');
    expect(Object.keys(body).filter((key) => !row.includes(`"${key}"`))).toEqual([]);
  });
});

describe("README.md's word on errors", () => {
  it("names every status an error answer can have", () => {
    const paragraph = readme.split("\n\n").find((part) => part.startsWith("Errors are JSON")) ?? "";
    const statuses = [...new Set([...Object.values(ERRORS), 500])];
    expect(statuses.filter((status) => !paragraph.includes(`\`${status}`))).toEqual([]);
  });
});
