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

/** A body no chat route accepts (it fails ChatBody, or is not JSON at all, or is too big). */
const hostileBody = fc
  .oneof(
    fc.json({ maxDepth: 3 }),
    fc.string({ maxLength: 200 }),
    fc.record({ message: fc.anything() }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
    fc.record({ message: fc.string(), session_id: fc.string(), options: fc.anything() }).map((v) => JSON.stringify(v)),
    fc.constant(JSON.stringify({ message: "x", pad: "p".repeat(70_000) })),
    fc.constant("\u0000\uffff{"),
  )
  .filter((text) => {
    try {
      return !ChatBody.safeParse(JSON.parse(text)).success;
    } catch {
      return true;
    }
  });

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

  it("answers every generated request with a 4xx JSON error and changes nothing", async () => {
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
