import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import pkg from "../../package.json";
import { BASE, tokenFor } from "../helpers/api";
import { callApp } from "../helpers/app";

const PAGE = "https://app.example";
const configured = { CORS_ORIGINS: `${PAGE}, https://other.example` };

function preflight(method: string, origin = PAGE): RequestInit {
  return {
    method: "OPTIONS",
    headers: {
      Origin: origin,
      "Access-Control-Request-Method": method,
      "Access-Control-Request-Headers": "authorization, content-type, last-event-id",
    },
  };
}

describe("CORS", () => {
  it("answers the preflight of both POST routes for an allowed origin", async () => {
    for (const path of ["/novachat", "/loomichat", "/sessions/00000000-0000-4000-8000-000000000000/cancel"]) {
      const res = await callApp(`${BASE}${path}`, preflight("POST"), configured);
      expect(res.status).toBe(204);
      expect(res.headers.get("Access-Control-Allow-Origin")).toBe(PAGE);
      expect(res.headers.get("Access-Control-Allow-Methods")).toContain("POST");
      const allowed = (res.headers.get("Access-Control-Allow-Headers") ?? "").toLowerCase().split(",");
      expect(allowed).toEqual(expect.arrayContaining(["authorization", "content-type", "last-event-id"]));
      expect(res.headers.get("Vary")).toContain("Origin");
    }
  });

  it("exposes the session, run and read-token headers on a real answer, and on errors", async () => {
    const init = {
      method: "POST",
      headers: {
        Origin: PAGE,
        Accept: "application/json",
        "Content-Type": "application/json",
        Authorization: `Bearer ${await tokenFor()}`,
      },
      body: JSON.stringify({ message: "cors" }),
    };
    const res = await callApp(`${BASE}/novachat`, init, configured);
    expect(res.status).toBe(202);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(PAGE);
    const exposed = (res.headers.get("Access-Control-Expose-Headers") ?? "").split(",");
    expect(exposed).toEqual(expect.arrayContaining(["X-Session-Id", "X-Run-Id", "X-Read-Token"]));
    const refused = await callApp(`${BASE}/novachat`, { method: "POST", headers: { Origin: PAGE } }, configured);
    expect(refused.status).toBe(401);
    expect(refused.headers.get("Access-Control-Allow-Origin")).toBe(PAGE);
  });

  it("dresses answers passed through from the session object too", async () => {
    const headers = { Origin: PAGE, Authorization: `Bearer ${await tokenFor()}` };
    const res = await callApp(`${BASE}/sessions/00000000-0000-4000-8000-000000000000/events`, { headers }, configured);
    expect(res.status).toBe(404);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(PAGE);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("not_found");
  });

  it("grants nothing to an origin not in the list", async () => {
    const res = await callApp(`${BASE}/novachat`, preflight("POST", "https://evil.example"), configured);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });

  it("sends no CORS headers when CORS_ORIGINS is unset", async () => {
    const res = await callApp(`${BASE}/health`, { headers: { Origin: PAGE } });
    expect(res.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });

  it("allows any origin only when configured as *", async () => {
    const res = await callApp(`${BASE}/novachat`, preflight("POST", "https://any.example"), {
      CORS_ORIGINS: "*",
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
  });

  it("answers a preflight without credentials when no origin is configured: never 401, no CORS headers", async () => {
    expect((env as unknown as Record<string, unknown>).CORS_ORIGINS).toBeUndefined();
    for (const path of ["/novachat", "/sessions/00000000-0000-4000-8000-000000000000/events", "/nowhere"]) {
      const res = await callApp(`${BASE}${path}`, preflight("POST", "http://localhost:5173"));
      expect(res.status, path).toBe(204);
      expect(res.headers.get("Access-Control-Allow-Origin")).toBeNull();
      expect(res.headers.get("Access-Control-Allow-Methods")).toBeNull();
    }
  });

  it("answers the preflight of an origin not in the list without CORS headers, and without auth", async () => {
    const res = await callApp(`${BASE}/novachat`, preflight("POST", "https://evil.example"), configured);
    expect(res.status).toBe(204);
    for (const header of ["Origin", "Methods", "Headers"]) {
      expect(res.headers.get(`Access-Control-Allow-${header}`)).toBeNull();
    }
  });

  it("npm run dev allows a dev server on localhost or 127.0.0.1, any port, and nothing else", async () => {
    const dev = { CORS_ORIGINS: devVar("CORS_ORIGINS") };
    for (const origin of [
      "http://localhost:5173",
      "http://localhost:3000",
      "http://127.0.0.1:8080",
      "http://localhost",
    ]) {
      const res = await callApp(`${BASE}/novachat`, preflight("POST", origin), dev);
      expect(res.status, origin).toBe(204);
      expect(res.headers.get("Access-Control-Allow-Origin"), origin).toBe(origin);
    }
    for (const origin of ["https://localhost:5173", "http://localhost.evil.example:5173", "http://10.0.0.2:5173"]) {
      const res = await callApp(`${BASE}/novachat`, preflight("POST", origin), dev);
      expect(res.status, origin).toBe(204);
      expect(res.headers.get("Access-Control-Allow-Origin"), origin).toBeNull();
    }
  });
});

/** A `--var NAME:value` the dev script passes to wrangler (quoted or not). */
function devVar(name: string): string {
  const match = new RegExp(`--var "?${name}:([^"\\s]+)"?`).exec(pkg.scripts.dev);
  if (!match) throw new Error(`the dev script passes no ${name}`);
  return match[1];
}
