import { describe, expect, it } from "vitest";
import { EVENT_TYPES } from "../../src/protocol/events";
import { api, postChat, startDetached, waitIdle } from "../helpers/api";
import { expectError } from "../helpers/error-responses";
import { idsOf } from "../helpers/event-lists";
import { readSse } from "../helpers/sse";

const JSON_TYPE = { "Content-Type": "application/json" };

describe("malformed chat requests", () => {
  it("refuses invalid JSON with 400 saying so", async () => {
    const message = await expectError(await postChat("novachat", '{"message": "x"'), 400, "bad_request");
    expect(message).toMatch(/JSON/i);
  });

  it("refuses a body that is not declared JSON with 415", async () => {
    const res = await api("/novachat", { method: "POST", headers: { "Content-Type": "text/plain" }, body: "{}" });
    expect(await expectError(res, 415, "unsupported_media_type")).toMatch(/application\/json/);
  });

  it("names the field of a wrong type", async () => {
    const cases: [unknown, RegExp][] = [
      [{ message: 5 }, /^message: /],
      [{ message: "x", session_id: 7 }, /^session_id: /],
      [{ message: "x", options: "fast" }, /^options: /],
      [{ message: ["a"] }, /^message: /],
      [[], /^body: /],
      [null, /^body: /],
      ["just text", /^body: /],
    ];
    for (const [body, field] of cases) {
      const res = await postChat("novachat", JSON.stringify(body));
      expect(await expectError(res, 400, "invalid_body")).toMatch(field);
    }
  });

  it("names an unknown field, even a big one, and an unknown mode", async () => {
    const huge = await postChat("novachat", { message: "x", junk: "j".repeat(50_000) });
    expect(await expectError(huge, 400, "invalid_body")).toContain("junk");
    const mode = await postChat("loomichat", { message: "x", mode: "evil" });
    expect(await expectError(mode, 400, "invalid_body")).toContain("mode");
    const route = await api("/evilchat", { method: "POST", headers: JSON_TYPE, body: '{"message":"x"}' });
    expect(await expectError(route, 404, "not_found")).toContain("/evilchat");
  });

  it("refuses a message over 32,000 characters with 400 naming message", async () => {
    const res = await postChat("novachat", { message: "m".repeat(32_001) });
    expect(await expectError(res, 400, "invalid_body")).toBe("message: must be at most 32000 characters");
    const empty = await postChat("novachat", { message: "" });
    expect(await expectError(empty, 400, "invalid_body")).toMatch(/^message: /);
  });

  it("refuses a body over 64 KiB with 413, with or without Content-Length", async () => {
    const big = JSON.stringify({ message: "x", pad: "p".repeat(70_000) });
    const sized = await postChat("novachat", big);
    expect(await expectError(sized, 413, "payload_too_large")).toMatch(/65536 bytes/);
    const bytes = new TextEncoder().encode(big);
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 8192) controller.enqueue(bytes.slice(i, i + 8192));
        controller.close();
      },
    });
    const streamed = await api("/novachat", { method: "POST", headers: JSON_TYPE, body: chunked });
    await expectError(streamed, 413, "payload_too_large");
  });

  it("refuses session ids with path tricks or control characters", async () => {
    const good = "4f0c1a52-8d3e-4b7a-9c1d-2e3f4a5b6c7d";
    for (const id of [`${good}\r\nX: y`, "../../health", `${good}\u0000`, good.toUpperCase().replace("4F", "ZZ")]) {
      const res = await postChat("novachat", { message: "x", session_id: id });
      expect(await expectError(res, 400, "invalid_body")).toMatch(/^session_id: /);
    }
    for (const path of [
      "..%2F..%2Fhealth",
      "%2e%2e",
      `${good}%00`,
      `${good}%0D%0A`,
      "x".repeat(5000),
      `${good};drop`,
    ]) {
      const res = await api(`/sessions/${path}`);
      expect([400, 404]).toContain(res.status);
      expect(((await res.json()) as { error: { code: string } }).error.code).toMatch(/invalid_session_id|not_found/);
    }
  });
});

describe("resume points", () => {
  it("refuse Last-Event-ID garbage with 400 naming the header, and a bad query parameter naming it", async () => {
    const started = await startDetached("novachat", { message: "resume garbage" });
    await waitIdle(started.session_id);
    const url = `/sessions/${started.session_id}/events`;
    for (const value of ["abc", "-1", "1e3", "1.5", "0x10", "99999999999999999999", "1 2", "\u00e9"]) {
      const res = await api(url, { headers: { "Last-Event-ID": value } });
      expect(await expectError(res, 400, "invalid_resume_point")).toMatch(/Last-Event-ID/);
    }
    for (const value of ["%0D%0Aid:%20999", "abc", "%00"]) {
      const res = await api(`${url}?last_event_id=${value}`);
      expect(await expectError(res, 400, "invalid_resume_point")).toMatch(/last_event_id/);
    }
    const beyond = await api(url, { headers: { "Last-Event-ID": "999999" } });
    await expectError(beyond, 400, "invalid_resume_point");
  });

  it("cannot carry CR/LF in a header at all: the HTTP layer refuses to build such a request", () => {
    expect(() => new Headers({ "Last-Event-ID": "1\r\nX-Injected: yes" })).toThrow(TypeError);
    expect(() => new Headers({ Authorization: "Bearer a\nb" })).toThrow(TypeError);
  });
});

describe("SSE framing", () => {
  it("keeps a message with newlines and SSE fields inside the JSON data line", async () => {
    const evil = "\n\nid: 999\ndata: x\r\n\r\nevent: pwned\nretry: 1\n\n";
    const res = await postChat("loomichat", { message: `tell me about ${evil}` });
    expect(res.status).toBe(200);
    const raw = await res.text();
    const lines = raw.split("\n");
    for (const line of lines) expect(line).toMatch(/^(|id: \d+|data: \{.*\}|retry: \d+|: heartbeat)$/);
    expect(raw).not.toMatch(/^id: 999$/m);
    expect(raw).not.toMatch(/^event:/m);
    const frames = raw.split("\n\n").filter((frame) => frame.startsWith("id: "));
    const ids = frames.map((frame) => Number(/^id: (\d+)$/m.exec(frame)?.[1]));
    expect(ids).toEqual(ids.map((_, i) => i + 1));
    for (const frame of frames) JSON.parse(frame.split("\n")[1].slice("data: ".length));

    // The same message stored in the session replays as the same bytes.
    const id = res.headers.get("X-Session-Id");
    const replay = await readSse(await api(`/sessions/${id}/events?last_event_id=0`));
    expect(replay.events[replay.events.length - 1].event_type).toBe(EVENT_TYPES.RUN_COMPLETE);
    expect(idsOf(replay.events)).toEqual(ids);
  });
});
