/**
 * `GET /dev/token` is gated on where the request came from, not on what it claims. The peer is
 * `CF-Connecting-IP`, which the runtime sets (Cloudflare's edge always, overwriting a client's;
 * Miniflare from the socket peer when the client sent none: see docs/security.md). Here the test
 * stands in for the runtime by setting that header. A Host naming a loopback address proves
 * nothing: any client can send `Host: localhost`.
 */
import { describe, expect, it } from "vitest";
import { api, startDetached, waitIdle } from "../helpers/api";
import { callApp } from "../helpers/app";

const ON = { DEV_TOKENS: "on" };
/** What the runtime writes for a request from this machine. */
const LOCAL_PEER = { "CF-Connecting-IP": "127.0.0.1" };

async function expectError(res: Response, status: number, code: string): Promise<string> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
  const body = JSON.parse(text) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  return body.error.message;
}

describe("GET /dev/token", () => {
  it("does not exist unless DEV_TOKENS is on", async () => {
    await expectError(await api("/dev/token?user=alice", { headers: LOCAL_PEER }, { token: null }), 404, "not_found");
    const off = await callApp(
      "http://localhost:8787/dev/token?user=alice",
      { headers: LOCAL_PEER },
      { DEV_TOKENS: "off" },
    );
    await expectError(off, 404, "not_found");
  });

  it("does not exist for a loopback Host from a peer that is not local, whatever spelling the Host uses", async () => {
    for (const host of [
      "localhost",
      "localhost:8787",
      "127.0.0.1",
      "0x7f.1",
      "2130706433",
      "127.1",
      "[::1]",
      "[0:0::1]",
    ]) {
      const peers: Record<string, string>[] = [
        {},
        { "CF-Connecting-IP": "203.0.113.9" },
        { "CF-Connecting-IP": "2001:db8::7" },
      ];
      for (const peer of peers) {
        const res = await callApp(`http://${host}/dev/token?user=victim`, { headers: peer }, ON);
        await expectError(res, 404, "not_found");
      }
    }
  });

  it("does not take a peer address in a spelling the runtime never writes", async () => {
    for (const ip of [
      "127.1",
      "0x7f.0.0.1",
      "2130706433",
      "127.000.000.001",
      "[::1]",
      "0:0::1",
      "::1, 127.0.0.1",
      "",
    ]) {
      const res = await callApp("http://localhost/dev/token?user=victim", { headers: { "CF-Connecting-IP": ip } }, ON);
      await expectError(res, 404, "not_found");
    }
  });

  it("does not exist for a local peer that names another host (DNS rebinding from a browser)", async () => {
    const res = await callApp("http://rebind.attacker.example:8787/dev/token?user=demo", { headers: LOCAL_PEER }, ON);
    await expectError(res, 404, "not_found");
  });

  it("hands out a working token for the named user to a peer on this machine", async () => {
    for (const ip of ["127.0.0.1", "127.0.0.2", "::1", "::ffff:127.0.0.1"]) {
      const res = await callApp(
        "http://localhost:8787/dev/token?user=dev-alice",
        { headers: { "CF-Connecting-IP": ip } },
        ON,
      );
      expect(res.status, ip).toBe(200);
    }
    const res = await callApp("http://localhost:8787/dev/token?user=dev-alice", { headers: LOCAL_PEER }, ON);
    const body = (await res.json()) as { token: string; user: string };
    expect(body.user).toBe("dev-alice");
    const started = await startDetached("novachat", { message: "dev" }, { token: body.token });
    expect((await api(`/sessions/${started.session_id}`, {}, { user: "dev-alice" })).status).toBe(200);
    expect((await api(`/sessions/${started.session_id}`)).status).toBe(404);
    await waitIdle(started.session_id, 15_000, { user: "dev-alice" });
  });

  it("validates the user name and still needs AUTH_SECRET", async () => {
    const local = { headers: LOCAL_PEER };
    await expectError(await callApp("http://localhost/dev/token?user=a%0Ab", local, ON), 400, "invalid_query");
    await expectError(await callApp("http://localhost/dev/token", local, ON), 400, "invalid_query");
    const noSecret = { ...ON, AUTH_SECRET: undefined };
    await expectError(await callApp("http://127.0.0.1/dev/token?user=a", local, noSecret), 503, "not_configured");
  });
});
