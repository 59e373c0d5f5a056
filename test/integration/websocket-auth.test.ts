/**
 * Who may open `GET /sessions/:id/ws`: the owner's bearer token (read and cancel), the session's
 * read token in `?token=` (read only: a browser WebSocket cannot send headers), and nobody else.
 * Every refusal is the same JSON error as on the SSE route, before any upgrade.
 */
import { describe, expect, it } from "vitest";
import { signReadToken } from "../../src/auth/tokens";
import { WS_CLOSE } from "../../src/protocol/ws";
import { api, startDetached, testSecret, waitIdle } from "../helpers/api";
import { idsOf, isRunComplete, range } from "../helpers/event-lists";
import { connectWs } from "../helpers/ws";

const ANONYMOUS = { token: null };
const upgrade = { headers: { Upgrade: "websocket" } };

async function expectRefusal(res: Response, status: number, code: string): Promise<void> {
  expect(res.status).toBe(status);
  expect(res.webSocket).toBeFalsy();
  expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
}

describe("GET /sessions/:id/ws: authentication", () => {
  it("refuses a socket without a token (401) and one with another user's bearer token (404)", async () => {
    const started = await startDetached("novachat", { message: "mine" });
    const path = `/sessions/${started.session_id}/ws`;
    const anonymous = await api(path, upgrade, ANONYMOUS);
    expect(anonymous.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
    await expectRefusal(anonymous, 401, "unauthorized");
    await expectRefusal(await api(path, upgrade, { user: "mallory" }), 404, "not_found");
    await waitIdle(started.session_id);
  });

  it("opens a read-only socket with the session's read token: it reads the run but cannot cancel it", async () => {
    const started = await startDetached("novachat", { message: "read only" });
    const socket = await connectWs(
      `/sessions/${started.session_id}/ws?token=${encodeURIComponent(started.read_token)}`,
      {},
      ANONYMOUS,
    );
    socket.ws.send(JSON.stringify({ type: "cancel" }));
    await socket.until(() => socket.events.some(isRunComplete(started.run_id)));
    expect(socket.controls).toContainEqual({
      type: "error",
      error: { code: "forbidden", message: "a read token cannot cancel" },
    });
    expect(idsOf(socket.events)).toEqual(range(1, socket.events.length));
    // The refused cancel changed nothing: the run ran to completion.
    expect(socket.events.at(-1)).toMatchObject({ payload: { status: "completed" } });
    socket.ws.close();
  });

  it("refuses a read token on another session (401), an expired one (401), and one forged for another user (404)", async () => {
    const x = await startDetached("novachat", { message: "x" });
    const y = await startDetached("novachat", { message: "y" });
    const onY = await api(`/sessions/${y.session_id}/ws?token=${x.read_token}`, upgrade, ANONYMOUS);
    await expectRefusal(onY, 401, "unauthorized");
    const grant = { userId: "anyone", sessionId: x.session_id };
    const expired = await signReadToken(testSecret(), grant, 60, Date.now() - 3_600_000);
    await expectRefusal(
      await api(`/sessions/${x.session_id}/ws?token=${expired}`, upgrade, ANONYMOUS),
      401,
      "unauthorized",
    );
    const forged = await signReadToken(testSecret(), { userId: "bob", sessionId: x.session_id }, 60);
    await expectRefusal(
      await api(`/sessions/${x.session_id}/ws?token=${forged}`, upgrade, ANONYMOUS),
      404,
      "not_found",
    );
    // A read token is not a bearer token, even on its own session.
    const asBearer = await api(`/sessions/${x.session_id}/ws`, upgrade, { token: x.read_token });
    await expectRefusal(asBearer, 401, "unauthorized");
    await waitIdle(x.session_id);
    await waitIdle(y.session_id);
  });

  it("closes open sockets when the session is deleted, and refuses its read token afterwards (404)", async () => {
    const started = await startDetached("loomichat", { message: "short-lived" });
    await waitIdle(started.session_id);
    const path = `/sessions/${started.session_id}/ws?token=${started.read_token}`;
    const socket = await connectWs(path, {}, ANONYMOUS);
    expect((await api(`/sessions/${started.session_id}`, { method: "DELETE" })).status).toBe(204);
    expect(await socket.closed).toEqual({ code: WS_CLOSE.NORMAL, reason: "session deleted" });
    await expectRefusal(await api(path, upgrade, ANONYMOUS), 404, "not_found");
  });
});
