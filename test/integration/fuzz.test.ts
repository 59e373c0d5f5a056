/**
 * Property: whatever body, id, path, method and headers a client sends, every route answers a 4xx
 * JSON error (never 5xx, never a success it should not have), and an existing session's log is
 * exactly as it was. Every generated request carries at least one thing that makes it invalid.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { signReadToken, signUserToken } from "../../src/auth/tokens";
import { ChatBody } from "../../src/http/validation";
import { api, startDetached, TEST_USER, testSecret, tokenFor, waitIdle } from "../helpers/api";

/** Printable ASCII without the characters fetch refuses in header values. */
const headerValue = fc.string({ unit: "binary-ascii", maxLength: 80 }).map((s) => s.replace(/[\r\n\0]/g, ""));

/** Anything but a session id: path tricks, control characters, near-misses, long strings. */
const hostileId = fc
  .oneof(
    fc.string({ maxLength: 60 }),
    fc.constantFrom("..", "../..", "%2e%2e", "..%2F..%2Fhealth", "%00", "%0D%0A", "x".repeat(3000), "*", "{id}"),
    fc.uuid().map((u) => `${u}x`),
    fc.uuid().map((u) => `${u}%0A`),
    fc.uuid().map((u) => u.replace(/-/g, "")),
  )
  .map((s) => encodeURIComponent(s).replace(/%25/g, "%"))
  .filter((s) => s.length > 0 && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s));

/**
 * JSON nested `depth` levels, objects and arrays mixed by the bits of `pattern`, written as text:
 * fast-check's own values and JSON.stringify would recurse as deep as what they build.
 */
function nestedText(depth: number, pattern: number): string {
  let open = "";
  let close = "";
  for (let level = 0; level < depth; level++) {
    const object = ((pattern >>> (level % 31)) & 1) === 1;
    open += object ? '{"k":' : "[";
    close = (object ? "}" : "]") + close;
  }
  return `${open}0${close}`;
}

/**
 * Deep nesting wherever a body can carry a value, mostly in `options`: just past its depth limit,
 * and thousands of levels, which overflowed the stack on the way to the session object (500).
 * Every one is invalid whatever options the service comes to honour: an option named `k`, a
 * `model` that is an array or object, an unknown key, a message or session id that is not a string.
 */
const deeplyNested = fc
  .record({
    depth: fc.oneof(fc.integer({ min: 1, max: 16 }), fc.integer({ min: 2_000, max: 9_000 })),
    pattern: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    at: fc.oneof(
      { arbitrary: fc.constantFrom("options", "option"), weight: 3 },
      { arbitrary: fc.constantFrom("message", "session_id", "unknown key", "body"), weight: 1 },
    ),
  })
  .map(({ depth, pattern, at }) => {
    if (at === "body") return nestedText(depth, pattern);
    if (at === "options") return `{"message":"x","options":${nestedText(depth, pattern | 1)}}`;
    const value = nestedText(depth, pattern);
    if (at === "option") return `{"message":"x","options":{"model":${value}}}`;
    if (at === "unknown key") return `{"message":"x","extra":${value}}`;
    if (at === "message") return `{"message":${value}}`;
    return `{"message":"x","session_id":${value}}`;
  });

/**
 * A body no chat route accepts: invalid by construction (deep nesting), or failing ChatBody, or
 * not JSON at all, or too big. The nested bodies are not filtered through ChatBody: a schema that
 * wrongly accepts them (as the one without a depth bound did) must not hide them from the server.
 */
const hostileBody = fc.oneof(
  { arbitrary: deeplyNested, weight: 4 },
  {
    arbitrary: fc
      .oneof(
        fc.json({ maxDepth: 3 }),
        fc.string({ maxLength: 200 }),
        fc.record({ message: fc.anything() }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
        fc
          .record({ message: fc.string(), session_id: fc.string(), options: fc.anything() })
          .map((v) => JSON.stringify(v)),
        fc.constant(JSON.stringify({ message: "x", pad: "p".repeat(70_000) })),
        fc.constant("\u0000\uffff{"),
      )
      .filter((text) => {
        try {
          return !ChatBody.safeParse(JSON.parse(text)).success;
        } catch {
          return true;
        }
      }),
    weight: 6,
  },
);

type Credential = "owner" | "none" | "garbage" | "expired" | "other-user" | "read-token-as-bearer";

const request = fc.record({
  kind: fc.constantFrom("chat-body", "session-id", "session-auth", "resume-point", "unknown-route"),
  method: fc.constantFrom("GET", "POST", "DELETE", "PUT", "PATCH"),
  chat: fc.constantFrom("novachat", "loomichat"),
  sub: fc.constantFrom("", "/events", "/cancel", "/nope"),
  id: hostileId,
  body: hostileBody,
  contentType: fc.oneof(fc.constant("application/json"), headerValue),
  credential: fc.constantFrom<Credential>("none", "garbage", "expired", "other-user", "read-token-as-bearer"),
  garbageToken: headerValue,
  lastEventId: headerValue.filter((v) => !/^\s*\d{1,15}\s*$/.test(v)),
  extra: fc.dictionary(
    fc.constantFrom("Origin", "Accept", "X-Forwarded-For", "Cookie", "Range", "If-None-Match"),
    headerValue,
  ),
  path: fc.array(fc.string({ maxLength: 12 }), { minLength: 1, maxLength: 4 }),
});

describe("hostile input, generated", () => {
  let victim: { id: string; events: string; snapshot: Record<string, unknown> };
  let tokens: Record<Exclude<Credential, "owner" | "none" | "garbage">, string>;
  const errors = vi.spyOn(console, "error");

  async function readLog(id: string): Promise<string> {
    return (await api(`/sessions/${id}/events?last_event_id=0`)).text();
  }

  beforeAll(async () => {
    const started = await startDetached("novachat", { message: "the victim's session" });
    const snapshot = await waitIdle(started.session_id);
    victim = { id: started.session_id, events: await readLog(started.session_id), snapshot };
    tokens = {
      expired: await signUserToken({ secret: testSecret() }, TEST_USER, 60, Date.now() - 3_600_000),
      "other-user": await tokenFor("mallory"),
      "read-token-as-bearer": await signReadToken(testSecret(), { userId: TEST_USER, sessionId: victim.id }, 60),
    };
  });

  afterAll(() => errors.mockRestore());

  // Bounded by count (250 requests, some 9,000 levels deep), not by the project's 20 s per-test budget.
  it("answers every generated request with a 4xx JSON error and changes nothing", { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const headers: Record<string, string> = { ...r.extra };
        let path: string;
        let method = r.method;
        let body: string | undefined;
        let auth: { token?: string | null } = {};
        if (r.kind === "chat-body") {
          path = `/${r.chat}`;
          method = "POST";
          body = r.body;
          headers["Content-Type"] = r.contentType;
        } else if (r.kind === "session-id") {
          path = `/sessions/${r.id}${r.sub}`;
        } else if (r.kind === "session-auth") {
          path = `/sessions/${victim.id}${r.sub}`;
          if (r.method === "POST" && r.sub === "") path = `/${r.chat}`;
          body = JSON.stringify({ message: "hijack", session_id: victim.id });
          headers["Content-Type"] = "application/json";
          const tokenFor = r.credential === "garbage" ? r.garbageToken : tokens[r.credential as keyof typeof tokens];
          auth = r.credential === "none" ? { token: null } : { token: tokenFor };
        } else if (r.kind === "resume-point") {
          path = `/sessions/${victim.id}/events`;
          method = "GET";
          headers["Last-Event-ID"] = r.lastEventId;
        } else {
          path = `/${r.path.map((segment) => encodeURIComponent(segment)).join("/")}`;
          if (["/health", "/novachat", "/loomichat"].includes(path)) path = `${path}/x`;
        }
        if (method === "GET" || method === "DELETE") body = undefined;
        const res = await api(path, { method, headers, body }, auth);
        const text = await res.text();
        expect(res.status, `${method} ${path} -> ${res.status} ${text}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${method} ${path} -> ${res.status} ${text}`).toBeLessThan(500);
        const error = (JSON.parse(text) as { error: { code: unknown; message: unknown } }).error;
        expect(typeof error.code).toBe("string");
        expect(typeof error.message).toBe("string");
      }),
      { numRuns: 250 },
    );
    // The victim's session: the same runs, the same log, byte for byte.
    const after = (await (await api(`/sessions/${victim.id}`)).json()) as Record<string, unknown>;
    expect(after.runs).toEqual(victim.snapshot.runs);
    expect(after.last_event_id).toBe(victim.snapshot.last_event_id);
    expect(await readLog(victim.id)).toBe(victim.events);
    expect(errors.mock.calls.filter((call) => String(call[0]).includes("unhandled"))).toEqual([]);
    // And the service still serves everyone.
    const ok = await startDetached("loomichat", { message: "still here?" });
    expect((await waitIdle(ok.session_id)).status).toBe("idle");
  });
});
