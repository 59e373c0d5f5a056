/**
 * Every URL the client builds, with the service mounted under a path prefix
 * (`https://example.com/api/stream`), with a trailing slash, and at the root: the start (POST
 * stream and 202), the event stream, its resume, EventSource, the WebSocket and cancel. The
 * service sits behind a stand-in gateway that serves it only under the prefix, as a proxy that
 * mounts the API there would; a URL built from the root instead lands outside and gets a 404.
 */

import type { FetchFn, WebSocketConstructor } from "@edge-stream/client";
import { describe, expect, it } from "vitest";
import { serviceUrl } from "../../packages/client/src/http";
import { fakeClient } from "../helpers/client-harness";
import { fakeEventSource } from "../helpers/fake-eventsource";
import { FakeServer } from "../helpers/fake-server";
import { fakeWebSocket } from "../helpers/fake-websocket";
import { recording } from "../helpers/recorded";

const nova = recording("nova3-run");
const READ_TOKEN = "read-abc";

/** Each base form, and the prefix the service is mounted at. */
const BASES: [base: string, prefix: string][] = [
  ["http://example.com/api/stream", "/api/stream"],
  ["http://example.com/api/stream/", "/api/stream"],
  ["http://example.com", ""],
];

/** The gateway: forwards `<prefix>/...` on example.com to the fake server as `/...`, and records every URL asked for. */
function gateway(prefix: string, server: FakeServer) {
  const seen: string[] = [];
  const inside = (url: string): string | undefined => {
    const parsed = new URL(url);
    if (parsed.host !== "example.com" || !parsed.pathname.startsWith(`${prefix}/`)) return undefined;
    parsed.pathname = parsed.pathname.slice(prefix.length);
    return parsed.toString();
  };
  const fetch: FetchFn = async (input, init) => {
    seen.push(input);
    const target = inside(input);
    if (target) return server.fetch(target, init);
    return Response.json({ error: { code: "not_found", message: "outside the mount" } }, { status: 404 });
  };
  const Inner = fakeWebSocket(server, [], { urls: [], sent: [] });
  const WebSocket: WebSocketConstructor = class extends Inner {
    constructor(url: string) {
      seen.push(url);
      super(inside(url) ?? "ws://outside.invalid/");
    }
  };
  return { seen, fetch, WebSocket, EventSource: fakeEventSource({ fetch }) };
}

/** URLs without their query, and the query's `last_event_id` and `token` when present. */
function shape(url: string): string {
  const parsed = new URL(url);
  const query = ["last_event_id", "token"]
    .filter((name) => parsed.searchParams.has(name))
    .map((name) => `${name}=${parsed.searchParams.get(name)}`);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}${query.length ? `?${query.join("&")}` : ""}`;
}

describe("serviceUrl", () => {
  for (const [base, prefix] of BASES) {
    it(`puts every service path under the base's path (${base})`, () => {
      const https = base.replace("http:", "https:");
      expect(serviceUrl(https, "/novachat")).toBe(`https://example.com${prefix}/novachat`);
      expect(serviceUrl(https, "/sessions/s%201/events?last_event_id=3&token=t")).toBe(
        `https://example.com${prefix}/sessions/s%201/events?last_event_id=3&token=t`,
      );
    });
  }

  it("keeps an absolute URL the server answered, and refuses a path that is not rooted", () => {
    expect(serviceUrl("https://example.com/api", "https://other.example/sessions/x/events")).toBe(
      "https://other.example/sessions/x/events",
    );
    expect(() => serviceUrl("https://example.com/api", "sessions/x")).toThrow(TypeError);
  });
});

describe("client: a base URL with a path prefix", () => {
  for (const [base, prefix] of BASES) {
    const root = `http://example.com${prefix}`;

    it(`streams the start and resumes the events under ${base}`, async () => {
      const server = new FakeServer([nova]);
      server.faults.push({ cutAfterBytes: 9000 });
      const { seen, fetch } = gateway(prefix, server);
      const client = fakeClient(server, { baseUrl: base, fetch });
      const result = await client.novachat("prefixed").done;
      const resumeAt = new URL(seen[1]).searchParams.get("last_event_id");
      expect(seen.map(shape)).toEqual([
        `${root}/novachat`,
        `${root}/sessions/${result.sessionId}/events?last_event_id=${resumeAt}`,
      ]);
      expect(Number(resumeAt)).toBeGreaterThan(0);
      expect(await client.cancel(result.sessionId)).toBe(true);
      expect(shape(seen[2])).toBe(`${root}/sessions/${result.sessionId}/cancel`);
    });

    it(`starts detached and follows events_url under ${base}`, async () => {
      const server = new FakeServer([nova], `&token=${READ_TOKEN}`);
      const { seen, fetch } = gateway(prefix, server);
      const run = fakeClient(server, { baseUrl: base, fetch, detached: true }).novachat("prefixed");
      const result = await run.done;
      expect(seen.map(shape)).toEqual([
        `${root}/novachat`,
        `${root}/sessions/${result.sessionId}/events?last_event_id=0&token=${READ_TOKEN}`,
      ]);
    });

    it(`opens EventSource on events_url under ${base}`, async () => {
      const server = new FakeServer([nova], `&token=${READ_TOKEN}`);
      const { seen, fetch, EventSource } = gateway(prefix, server);
      const run = fakeClient(server, { baseUrl: base, fetch, transport: "eventsource", EventSource }).novachat("es");
      const result = await run.done;
      expect(seen.map(shape)).toEqual([
        `${root}/novachat`,
        `${root}/sessions/${result.sessionId}/events?last_event_id=0&token=${READ_TOKEN}`,
      ]);
    });

    it(`opens the WebSocket and cancels over HTTP under ${base}`, async () => {
      const server = new FakeServer([nova], `&token=${READ_TOKEN}`);
      const { seen, fetch, WebSocket } = gateway(prefix, server);
      const run = fakeClient(server, { baseUrl: base, fetch, transport: "websocket", WebSocket }).novachat("ws");
      const result = await run.done;
      expect(seen.map(shape)).toEqual([
        `${root}/novachat`,
        `ws://example.com${prefix}/sessions/${result.sessionId}/ws?last_event_id=0&token=${READ_TOKEN}`,
      ]);
      expect(await fakeClient(server, { baseUrl: base, fetch }).cancel(result.sessionId)).toBe(true);
      expect(shape(seen[2])).toBe(`${root}/sessions/${result.sessionId}/cancel`);
    });
  }
});
