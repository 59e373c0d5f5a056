import { sign } from "hono/jwt";
import { describe, expect, it } from "vitest";
import { signReadToken, signUserToken } from "../../src/auth/tokens";
import { EVENT_TYPES } from "../../src/protocol/events";
import { api, BASE, postChat, startDetached, TEST_USER, testSecret, tokenFor, waitIdle } from "../helpers/api";
import { callApp } from "../helpers/app";
import { expectError } from "../helpers/error-responses";
import { readSse } from "../helpers/sse";

const MISSING = "00000000-0000-4000-8000-000000000000";

/** Every authenticated route, as [method, path, body]. */
const ROUTES: [string, string, string | undefined][] = [
  ["POST", "/novachat", JSON.stringify({ message: "hi" })],
  ["POST", "/loomichat", JSON.stringify({ message: "hi" })],
  ["GET", `/sessions/${MISSING}`, undefined],
  ["GET", `/sessions/${MISSING}/events`, undefined],
  ["POST", `/sessions/${MISSING}/cancel`, undefined],
  ["DELETE", `/sessions/${MISSING}`, undefined],
];

function request(method: string, body: string | undefined, headers: Record<string, string> = {}): RequestInit {
  return { method, body, headers: { "Content-Type": "application/json", ...headers } };
}

describe("authentication", () => {
  it("keeps /health public", async () => {
    const res = await api("/health", {}, { token: null });
    expect(res.status).toBe(200);
  });

  it("refuses every API route without a token, with 401 and WWW-Authenticate", async () => {
    for (const [method, path, body] of ROUTES) {
      const res = await api(path, request(method, body), { token: null });
      expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
      expect(await expectError(res, 401, "unauthorized")).toMatch(/Bearer/);
    }
  });

  it("refuses an expired token, a tampered one and one signed with another secret", async () => {
    const expired = await signUserToken({ secret: testSecret() }, TEST_USER, 60, Date.now() - 3_600_000);
    expect(
      await expectError(await postChat("novachat", { message: "x" }, {}, { token: expired }), 401, "unauthorized"),
    ).toBe("token expired");
    const good = await tokenFor();
    const tampered = `${good.slice(0, -3)}${good.slice(-3) === "AAA" ? "BBB" : "AAA"}`;
    await expectError(await api(`/sessions/${MISSING}`, {}, { token: tampered }), 401, "unauthorized");
    const foreign = await signUserToken({ secret: "another-secret-0123456789abcdef01234567" }, TEST_USER, 60);
    await expectError(await api(`/sessions/${MISSING}`, {}, { token: foreign }), 401, "unauthorized");
    const noExp = await sign({ sub: TEST_USER }, testSecret(), "HS256");
    expect(await expectError(await api(`/sessions/${MISSING}`, {}, { token: noExp }), 401, "unauthorized")).toBe(
      "token has no exp claim",
    );
  });

  it("refuses a malformed Authorization header", async () => {
    for (const value of ["Basic dXNlcjpwYXNz", "Bearer", "Bearer a b", `Token ${await tokenFor()}`]) {
      const res = await api(`/sessions/${MISSING}`, { headers: { Authorization: value } });
      await expectError(res, 401, "unauthorized");
    }
  });

  it("answers 503 on every API route when AUTH_SECRET is missing or too short, and /health still works", async () => {
    const token = await tokenFor();
    for (const secret of [undefined, "", "short"]) {
      for (const [method, path, body] of ROUTES) {
        const init = request(method, body, { Authorization: `Bearer ${token}` });
        const message = await expectError(
          await callApp(`${BASE}${path}`, init, { AUTH_SECRET: secret }),
          503,
          "not_configured",
        );
        expect(message).toMatch(/AUTH_SECRET/);
      }
    }
    expect((await callApp(`${BASE}/health`, {}, { AUTH_SECRET: undefined })).status).toBe(200);
  });

  it("checks iss and aud when AUTH_ISSUER and AUTH_AUDIENCE are set", async () => {
    const overrides = { AUTH_ISSUER: "https://id.example", AUTH_AUDIENCE: "edge-stream" };
    const plain = await tokenFor();
    const path = `${BASE}/sessions/${MISSING}`;
    await expectError(
      await callApp(path, { headers: { Authorization: `Bearer ${plain}` } }, overrides),
      401,
      "unauthorized",
    );
    const settings = { secret: testSecret(), issuer: "https://id.example", audience: "edge-stream" };
    const good = await signUserToken(settings, TEST_USER, 60);
    const res = await callApp(path, { headers: { Authorization: `Bearer ${good}` } }, overrides);
    await expectError(res, 404, "not_found");
  });
});

describe("ownership", () => {
  it("gives another user 404 for everything about a session, and leaves it untouched", async () => {
    const started = await startDetached("novachat", { message: "mine" });
    const id = started.session_id;
    const bob = { user: "bob" };
    await expectError(await api(`/sessions/${id}`, {}, bob), 404, "not_found");
    await expectError(await api(`/sessions/${id}/events`, {}, bob), 404, "not_found");
    const resumeStream = await api(`/sessions/${id}/events`, { headers: { "Last-Event-ID": "1" } }, bob);
    await expectError(resumeStream, 404, "not_found");
    await expectError(await api(`/sessions/${id}/cancel`, { method: "POST" }, bob), 404, "not_found");
    await expectError(await api(`/sessions/${id}`, { method: "DELETE" }, bob), 404, "not_found");
    const resumed = await postChat("novachat", { message: "hijack", session_id: id }, {}, bob);
    await expectError(resumed, 404, "not_found");

    const snapshot = await waitIdle(id);
    expect(snapshot.runs).toHaveLength(1);
    expect((snapshot.runs as { status: string }[])[0].status).toBe("completed");
    // The 404 is the same one a session that never existed gets: nothing leaks.
    const ghost = await api(`/sessions/${MISSING}`, {}, bob);
    expect(await ghost.json()).toEqual(await (await api(`/sessions/${id}`, {}, bob)).json());
  });
});

describe("read tokens", () => {
  it("come with the 202 and in events_url, and read the run with no Authorization header", async () => {
    const started = await startDetached("novachat", { message: "read me" });
    expect(started.events_url).toContain(`token=${encodeURIComponent(started.read_token)}`);
    const res = await api(started.events_url, {}, { token: null });
    expect(res.status).toBe(200);
    const { events } = await readSse(res);
    expect(events[events.length - 1].event_type).toBe(EVENT_TYPES.RUN_COMPLETE);
    const snap = await api(`/sessions/${started.session_id}?token=${started.read_token}`, {}, { token: null });
    expect(snap.status).toBe(200);
    expect(((await snap.json()) as { session_id: string }).session_id).toBe(started.session_id);
  });

  it("come in the X-Read-Token header of a streamed run start", async () => {
    const res = await postChat("novachat", { message: "stream" });
    const token = res.headers.get("X-Read-Token");
    const id = res.headers.get("X-Session-Id");
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    await readSse(res);
    const snap = await api(`/sessions/${id}?token=${token}`, {}, { token: null });
    expect(snap.status).toBe(200);
  });

  it("never open another session, nor any write, nor work as a bearer token", async () => {
    const x = await startDetached("novachat", { message: "x" });
    const y = await startDetached("novachat", { message: "y" });
    const none = { token: null };
    const t = x.read_token;
    await expectError(await api(`/sessions/${y.session_id}?token=${t}`, {}, none), 401, "unauthorized");
    await expectError(await api(`/sessions/${y.session_id}/events?token=${t}`, {}, none), 401, "unauthorized");
    const writes: [string, string, string | undefined][] = [
      ["POST", `/sessions/${x.session_id}/cancel`, undefined],
      ["DELETE", `/sessions/${x.session_id}`, undefined],
      ["POST", "/novachat", JSON.stringify({ message: "w", session_id: x.session_id })],
      ["POST", "/loomichat", JSON.stringify({ message: "w" })],
    ];
    for (const [method, path, body] of writes) {
      const sep = path.includes("?") ? "&" : "?";
      await expectError(await api(`${path}${sep}token=${t}`, request(method, body), none), 401, "unauthorized");
      await expectError(await api(path, request(method, body), { token: t }), 401, "unauthorized");
    }
    await waitIdle(x.session_id);
    expect(((await (await api(`/sessions/${x.session_id}`)).json()) as { runs: unknown[] }).runs).toHaveLength(1);
  });

  it("stop working once the session is deleted", async () => {
    const started = await startDetached("novachat", { message: "short-lived" });
    await waitIdle(started.session_id);
    const url = `/sessions/${started.session_id}?token=${started.read_token}`;
    expect((await api(url, {}, { token: null })).status).toBe(200);
    expect((await api(`/sessions/${started.session_id}`, { method: "DELETE" })).status).toBe(204);
    await expectError(await api(url, {}, { token: null }), 404, "not_found");
    await expectError(await api(started.events_url, {}, { token: null }), 404, "not_found");
  });

  it("of another user's session is refused by the owner check too", async () => {
    const started = await startDetached("novachat", { message: "a" });
    await waitIdle(started.session_id);
    // A read token is only ever issued to the owner; one forged for bob (impossible without the
    // secret) would still meet the session's owner check.
    const bobs = await signReadToken(testSecret(), { userId: "bob", sessionId: started.session_id }, 60);
    await expectError(
      await api(`/sessions/${started.session_id}?token=${bobs}`, {}, { token: null }),
      404,
      "not_found",
    );
  });
});
