/**
 * A session holds at most MAX_STREAMS_PER_SESSION streams (2 in this project), WebSockets and SSE
 * streams together: the next upgrade is answered 429 with Retry-After before any socket is made,
 * and a closed socket frees its place. (Mixing the transports: stream-leases.test.ts.)
 */
import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../src/env";
import { type Auth, api, startDetached, waitIdle } from "../helpers/api";
import { auditRecords } from "../helpers/audit-log";
import { retryAfterSeconds } from "../helpers/error-responses";
import { connectWs } from "../helpers/ws";

const config = loadConfig(env);
const upgrade = { headers: { Upgrade: "websocket" } };

describe("WebSocket limits", () => {
  it("answers 429 when the session already has its sockets, and admits one again after a close", async () => {
    expect(config.maxStreamsPerSession).toBe(2);
    const auth: Auth = { user: `ws-limits-${crypto.randomUUID().slice(0, 8)}` };
    const started = await startDetached("loomichat", { message: "full house" }, auth);
    await waitIdle(started.session_id, 60_000, auth);
    const path = `/sessions/${started.session_id}/ws`;
    const first = await connectWs(path, {}, auth);
    // Read-token sockets count too.
    const second = await connectWs(`${path}?token=${started.read_token}`, {}, { token: null });

    const log = vi.spyOn(console, "log");
    const refused = await api(path, upgrade, auth);
    const audits = auditRecords(log);
    log.mockRestore();
    expect(audits).toContainEqual(
      expect.objectContaining({ event: "limit_hit", limit: "streams_per_session", session_id: started.session_id }),
    );
    expect(refused.status).toBe(429);
    expect(refused.webSocket).toBeFalsy();
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error).toMatchObject({
      code: "rate_limited",
      message: expect.stringMatching(/2 open event streams and WebSockets \(limit 2\)/),
    });
    expect(retryAfterSeconds(refused)).toBeGreaterThanOrEqual(1);
    const readOnly = await api(`${path}?token=${started.read_token}`, upgrade, { token: null });
    expect(readOnly.status).toBe(429);
    await readOnly.body?.cancel();
    const snapshot = (await (await api(`/sessions/${started.session_id}`, {}, auth)).json()) as { sockets: number };
    expect(snapshot.sockets).toBe(2);

    first.ws.close(1000, "done");
    await first.closed;
    // The place is free once the session object has seen the close: within a request or two.
    const admitted = await vi.waitFor(
      async () => {
        const res = await api(path, upgrade, auth);
        if (res.status === 101) return res;
        await res.body?.cancel();
        throw new Error(`upgrade still refused: ${res.status}`);
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(admitted.status).toBe(101);
    admitted.webSocket?.accept();
    admitted.webSocket?.close(1000, "done");
    second.ws.close(1000, "done");
  });
});
