/**
 * `GET /openapi.json` against the app itself: served without a token (with CORS), its paths are
 * exactly the app's routes (`createApp().routes`, both ways), and what the routes answer parses
 * with the schemas the description publishes. The document's validity (a real OpenAPI 3.1
 * validator) and the typed-client line of the README are checked under Node: test/unit/openapi.test.ts.
 */
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { createApp } from "../../src/http/app";
import { StreamEventSchema } from "../../src/http/event-schemas";
import {
  AiStopAccepted,
  CancelAccepted,
  ErrorBody,
  Health,
  RunAccepted,
  SessionSnapshot,
  Usage,
} from "../../src/http/responses";
import { UiChunkSchema } from "../../src/http/ui-chunk-schemas";
import { chatBody, postAi, readUi } from "../helpers/ai-chat";
import { api, BASE, startDetached, waitIdle } from "../helpers/api";
import { callApp } from "../helpers/app";
import { readSse } from "../helpers/sse";

const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

interface Described {
  paths: Record<string, Record<string, { security?: unknown[] }>>;
}

async function fetchDocument(init: RequestInit = {}, overrides: Record<string, string> = {}) {
  return callApp(`${BASE}/openapi.json`, init, overrides);
}

/** `METHOD /path/{param}` of every operation in the description. */
function describedRoutes(doc: Described): string[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((key) => HTTP_METHODS.includes(key))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
}

/**
 * `METHOD /path/{param}` of every route the app serves. Entries for every method (`ALL`) on a
 * wildcard path are middleware (CORS, authentication, the body limit), not routes: left out. Any
 * other entry is a route, even an `ALL` one, and must be described.
 */
function servedRoutes(): string[] {
  const routes = createApp()
    .routes.filter((route) => !(route.method === "ALL" && route.path.endsWith("*")))
    .map((route) => `${route.method} ${route.path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, "{$1}")}`);
  return [...new Set(routes)];
}

/** Parses `body` with `schema`, failing the test with zod's own account of what differs. */
function expectFits(schema: z.ZodType, body: unknown): void {
  const result = schema.safeParse(body);
  expect(result.success ? [] : result.error.issues).toEqual([]);
}

describe("GET /openapi.json", () => {
  it("is served without a token, as OpenAPI 3.1 JSON", async () => {
    const res = await fetchDocument();
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    const doc = (await res.json()) as { openapi: string; info: { title: string } };
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info.title).toBe("edge-stream");
  });

  it("answers an allowed origin with CORS headers, like every public route", async () => {
    const page = "https://app.example";
    const res = await fetchDocument({ headers: { Origin: page } }, { CORS_ORIGINS: page });
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(page);
  });

  it("states the chat message limit in force", async () => {
    const doc = (await (await fetchDocument({}, { MAX_MESSAGE_CHARS: "1234" })).json()) as {
      components: { schemas: { ChatBody: { properties: { message: { maxLength: number } } } } };
    };
    expect(doc.components.schemas.ChatBody.properties.message.maxLength).toBe(1234);
  });

  it("describes every route the app serves, and nothing else", async () => {
    const doc = (await (await fetchDocument()).json()) as Described;
    const described = describedRoutes(doc);
    const served = servedRoutes();
    expect(served.length).toBeGreaterThan(8);
    expect(served.filter((route) => !described.includes(route))).toEqual([]);
    expect(described.filter((route) => !served.includes(route))).toEqual([]);
  });

  it("marks exactly the routes that answer without a token as public", async () => {
    const doc = (await (await fetchDocument()).json()) as Described;
    const open = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([, operation]) => Array.isArray(operation.security) && operation.security.length === 0)
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(open.sort()).toEqual(["GET /dev/token", "GET /health", "GET /openapi.json"]);
    const health = await api("/health", {}, { token: null });
    expect(health.status).toBe(200);
    const usage = await api("/usage", {}, { token: null });
    expect(usage.status).toBe(401);
  });
});

describe("the routes' answers fit the schemas the description publishes", () => {
  it("health, usage and an error", async () => {
    expectFits(Health, await (await api("/health")).json());
    expectFits(Usage, await (await api("/usage")).json());
    const refused = await api("/sessions/not-a-session");
    expect(refused.status).toBe(400);
    expectFits(ErrorBody, await refused.json());
  });

  it("a run: the 202, every event of its stream, the snapshot and a cancel", async () => {
    const started = await startDetached("novachat", { message: "describe me" });
    expectFits(RunAccepted, started);
    const { events } = await readSse(await api(started.events_url));
    expect(events.length).toBeGreaterThan(3);
    for (const event of events) expectFits(StreamEventSchema, event);
    expectFits(SessionSnapshot, await waitIdle(started.session_id));

    const next = await startDetached("novachat", { message: "and cancel me" });
    const cancel = await api(`/sessions/${next.session_id}/cancel`, { method: "POST" });
    expect(cancel.status).toBe(202);
    expectFits(CancelAccepted, await cancel.json());
    await waitIdle(next.session_id);
  });

  it("an AI SDK turn: every chunk of its UI message stream, and a stop", async () => {
    const { chunks, done } = await readUi(await postAi("nova3", chatBody(`openapi-${crypto.randomUUID()}`, "hi")));
    expect(done).toBe(true);
    expect(chunks.map((chunk) => chunk.type)).toEqual(expect.arrayContaining(["start", "text-delta", "finish"]));
    for (const chunk of chunks) expectFits(UiChunkSchema, chunk);

    const chatId = `openapi-stop-${crypto.randomUUID()}`;
    const turn = await postAi("nova3", chatBody(chatId, "stop me"));
    const stop = await api(`/ai/nova3/${chatId}/stop`, { method: "POST" });
    expect(stop.status).toBe(202);
    expectFits(AiStopAccepted, await stop.json());
    const stopped = await readUi(turn);
    for (const chunk of stopped.chunks) expectFits(UiChunkSchema, chunk);
  });
});
