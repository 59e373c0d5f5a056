/**
 * The published dev secret and DEV_TOKENS belong to `npm run dev` on a developer's machine. A
 * Worker configured with either answers 503 `insecure_config` on every authenticated route to any
 * peer that is not this machine (`CF-Connecting-IP`, set by the runtime; the test stands in for
 * it), and audits the refusal. /health still answers, so the deployment is visibly up.
 */
import { sign } from "hono/jwt";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DEV_AUTH_SECRET } from "../../src/auth/dev-secret";
import { BASE, testSecret } from "../helpers/api";
import { callApp } from "../helpers/app";

const MISSING = "00000000-0000-4000-8000-000000000000";

/** Every authenticated route, as [method, path, body]. */
const ROUTES: [string, string, string | undefined][] = [
  ["POST", "/novachat", JSON.stringify({ message: "hi" })],
  ["POST", "/loomichat", JSON.stringify({ message: "hi" })],
  ["GET", `/sessions/${MISSING}`, undefined],
  ["GET", `/sessions/${MISSING}/events`, undefined],
  ["GET", `/sessions/${MISSING}/ws`, undefined],
  ["POST", `/sessions/${MISSING}/cancel`, undefined],
  ["DELETE", `/sessions/${MISSING}`, undefined],
  ["GET", "/usage", undefined],
];

const NOT_LOCAL: Record<string, string>[] = [{}, { "CF-Connecting-IP": "203.0.113.9" }, { "CF-Connecting-IP": "::2" }];

function token(secret: string): Promise<string> {
  return sign({ sub: "alice", exp: Math.floor(Date.now() / 1000) + 600 }, secret, "HS256");
}

async function call(
  path: string,
  method: string,
  body: string | undefined,
  headers: Record<string, string>,
  vars: Record<string, string>,
) {
  const init = { method, body, headers: { "Content-Type": "application/json", ...headers } };
  return callApp(`${BASE}${path}`, init, vars);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("a development configuration off this machine", () => {
  const configs: [string, Record<string, string>, RegExp][] = [
    ["the published dev secret", { AUTH_SECRET: DEV_AUTH_SECRET }, /AUTH_SECRET is the published development secret/],
    ["DEV_TOKENS on", { DEV_TOKENS: "on" }, /DEV_TOKENS is on/],
  ];

  for (const [name, vars, why] of configs) {
    it(`answers 503 insecure_config on every authenticated route with ${name}, and audits it`, async () => {
      const log = vi.spyOn(console, "log");
      const auth = { Authorization: `Bearer ${await token(vars.AUTH_SECRET ?? testSecret())}` };
      for (const peer of NOT_LOCAL) {
        for (const [method, path, body] of ROUTES) {
          const res = await call(path, method, body, { ...auth, ...peer }, vars);
          const text = await res.text();
          expect(res.status, `${method} ${path} ${text}`).toBe(503);
          const error = (JSON.parse(text) as { error: { code: string; message: string } }).error;
          expect(error.code).toBe("insecure_config");
          expect(error.message).toMatch(why);
          expect(error.message).toMatch(/npm run dev/);
        }
      }
      const audited = log.mock.calls
        .map((c) => String(c[0]))
        .filter((line) => line.includes('"config_refused"'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(audited).toHaveLength(NOT_LOCAL.length * ROUTES.length);
      expect(audited[0]).toMatchObject({ event: "config_refused", method: "POST", path: "/novachat" });
      expect(String(audited[0].reason)).toMatch(why);
      expect((await callApp(`${BASE}/health`, {}, vars)).status).toBe(200);
    });
  }

  it("serves the development configuration to a peer on this machine", async () => {
    const vars = { AUTH_SECRET: DEV_AUTH_SECRET, DEV_TOKENS: "on" };
    const auth = { Authorization: `Bearer ${await token(DEV_AUTH_SECRET)}` };
    for (const ip of ["127.0.0.1", "::1"]) {
      const res = await call(`/sessions/${MISSING}`, "GET", undefined, { ...auth, "CF-Connecting-IP": ip }, vars);
      expect(res.status).toBe(404);
      const unsigned = await call(`/sessions/${MISSING}`, "GET", undefined, { "CF-Connecting-IP": ip }, vars);
      expect(unsigned.status).toBe(401);
    }
  });

  it("leaves a production configuration alone, whoever the peer is", async () => {
    const auth = { Authorization: `Bearer ${await token(testSecret())}` };
    for (const peer of NOT_LOCAL) {
      const res = await call(`/sessions/${MISSING}`, "GET", undefined, { ...auth, ...peer }, { DEV_TOKENS: "off" });
      expect(res.status).toBe(404);
    }
  });
});
