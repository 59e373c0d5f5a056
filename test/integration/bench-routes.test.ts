import { describe, expect, it } from "vitest";
import { api } from "../helpers/api";

// The test Worker is the production entry (src/index.ts): none of the bench hooks exist in it.
describe("bench hooks are absent from the production Worker", () => {
  it.each([
    ["GET", "/_bench/pipe?events=10"],
    ["POST", "/_bench/sessions"],
    ["GET", "/_bench/sessions/00000000-0000-4000-8000-000000000000/rows-written"],
  ])("%s %s answers the ordinary 404", async (method, path) => {
    const res = await api(path, {
      method,
      headers: { "Content-Type": "application/json" },
      body: method === "POST" ? JSON.stringify({ events: 10 }) : undefined,
    });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("not_found");
  });
});
