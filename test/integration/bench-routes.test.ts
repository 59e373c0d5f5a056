import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { SessionObject } from "../../src/session/session-object";
import { api } from "../helpers/api";

// The test Worker runs without BENCH_ROUTES, as production does: none of the bench hooks exist.
describe("bench hooks are absent unless BENCH_ROUTES is on", () => {
  it.each([
    ["GET", "/_bench/pipe?events=10"],
    ["POST", "/_bench/sessions"],
  ])("%s %s answers the ordinary 404", async (method, path) => {
    const res = await api(path, {
      method,
      headers: { "Content-Type": "application/json" },
      body: method === "POST" ? JSON.stringify({ events: 10 }) : undefined,
    });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("not_found");
  });

  it("the session object refuses a synthetic run and creates nothing", async () => {
    const namespace = env.SESSIONS as DurableObjectNamespace<SessionObject>;
    const sessionId = crypto.randomUUID();
    const stub = namespace.get(namespace.idFromName(sessionId));
    const spec = { events: 10, contentChars: 8, rate: 0, burst: 1, waitForReaders: 0, holdMs: 0 };
    expect(await stub.benchRun({ sessionId, userId: "anonymous", ...spec })).toMatchObject({
      ok: false,
      code: "not_found",
    });
    expect((await api(`/sessions/${sessionId}`)).status).toBe(404);
  });
});
