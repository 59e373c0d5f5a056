/** The Durable Streams wire pieces (src/protocol/durable-streams/): offsets, headers, JSON mode, SSE frames, cursors. */
import { describe, expect, it } from "vitest";
import { responseCursor } from "../../src/protocol/durable-streams/cursor";
import { isClosedHeader, parseExpiry, parseProducer } from "../../src/protocol/durable-streams/headers";
import { isTextType, joinJsonMessages, splitJsonBody } from "../../src/protocol/durable-streams/json-mode";
import { createLiveSse } from "../../src/protocol/durable-streams/live-sse";
import { formatOffset, parseOffset } from "../../src/protocol/durable-streams/offsets";
import { encodeControlEvent, encodeDataEvent, toBase64 } from "../../src/protocol/durable-streams/sse";

describe("offsets", () => {
  it("sort in position order as strings and round-trip", () => {
    const positions = [0, 1, 9, 10, 99, 100, 123_456_789, Number.MAX_SAFE_INTEGER];
    const offsets = positions.map(formatOffset);
    expect([...offsets].sort()).toEqual(offsets);
    for (const [i, offset] of offsets.entries())
      expect(parseOffset(offset)).toEqual({ kind: "at", position: positions[i] });
  });

  it("reads the sentinels and refuses anything this server did not mint", () => {
    expect(parseOffset(undefined)).toEqual({ kind: "start" });
    expect(parseOffset("-1")).toEqual({ kind: "start" });
    expect(parseOffset("now")).toEqual({ kind: "now" });
    for (const bad of ["", "0", "abc", "0,1", "0 1", "-2", "../etc", "1_1", "0000000000000001_0000000000000000"]) {
      expect(parseOffset(bad)).toBeUndefined();
    }
    expect(parseOffset("0000000000000000_9999999999999999")).toBeUndefined(); // past 2^53
  });

  it("never mints a sentinel or a character the protocol forbids", () => {
    expect(formatOffset(0)).toMatch(/^[0-9_]+$/);
    expect(() => formatOffset(-1)).toThrow(RangeError);
  });
});

describe("headers", () => {
  it("counts Stream-Closed only when it is true", () => {
    expect(isClosedHeader("true")).toBe(true);
    expect(isClosedHeader("TRUE")).toBe(true);
    for (const other of ["false", "yes", "1", "", null]) expect(isClosedHeader(other)).toBe(false);
  });

  it("parses TTL strictly and refuses TTL with Expires-At", () => {
    expect(parseExpiry("3600", null)).toEqual({ ok: true, value: { ttlSeconds: 3600 } });
    expect(parseExpiry("0", null)).toEqual({ ok: true, value: { ttlSeconds: 0 } });
    for (const bad of ["+3600", "03600", "3600.0", "3.6e3", "-1", " 1", "abc"])
      expect(parseExpiry(bad, null).ok).toBe(false);
    expect(parseExpiry("60", "2030-01-01T00:00:00Z").ok).toBe(false);
    expect(parseExpiry(null, "2030-01-01T00:00:00Z").ok).toBe(true);
    expect(parseExpiry(null, "tomorrow").ok).toBe(false);
  });

  it("takes all three producer headers or none", () => {
    expect(parseProducer(null, null, null)).toEqual({ ok: true, value: undefined });
    expect(parseProducer("p", "1", "2")).toEqual({ ok: true, value: { id: "p", epoch: 1, seq: 2 } });
    expect(parseProducer("p", "1", null).ok).toBe(false);
    expect(parseProducer("", "1", "2").ok).toBe(false);
    expect(parseProducer("p", "-1", "0").ok).toBe(false);
    expect(parseProducer("p", "1e3", "0").ok).toBe(false);
    expect(parseProducer("p", "0", "9007199254740992").ok).toBe(false);
  });
});

describe("JSON mode", () => {
  it("flattens one level of an array, keeps a single value as one message", () => {
    expect(splitJsonBody('{"a":1}', false)).toEqual({ ok: true, messages: ['{"a":1}'] });
    expect(splitJsonBody("[[1,2],[3]]", false)).toEqual({ ok: true, messages: ["[1,2]", "[3]"] });
    expect(splitJsonBody("[[[1]]]", false)).toEqual({ ok: true, messages: ["[[1]]"] });
    expect(joinJsonMessages(["1", '"x"'])).toBe('[1,"x"]');
  });

  it("refuses invalid JSON, and an empty array on append only", () => {
    expect(splitJsonBody("{", false).ok).toBe(false);
    expect(splitJsonBody("[]", false).ok).toBe(false);
    expect(splitJsonBody("[]", true)).toEqual({ ok: true, messages: [] });
  });

  it("sends text and JSON as text in SSE, everything else as base64", () => {
    expect(isTextType("text/plain; charset=utf-8")).toBe(true);
    expect(isTextType("Application/JSON")).toBe(true);
    expect(isTextType("application/octet-stream")).toBe(false);
  });
});

describe("SSE frames", () => {
  it("splits every line break into its own data line, so a payload cannot start an event", () => {
    expect(encodeDataEvent("a\r\n\r\nevent: control\rb\nc")).toBe(
      "event: data\ndata:a\ndata:\ndata:event: control\ndata:b\ndata:c\n\n",
    );
  });

  it("keeps a leading space through the parser's one-space strip", () => {
    expect(encodeDataEvent(" x")).toBe("event: data\ndata:  x\n\n");
  });

  it("encodes control events as one JSON line and bytes as padded base64", () => {
    expect(encodeControlEvent({ streamNextOffset: "o", upToDate: true })).toBe(
      'event: control\ndata:{"streamNextOffset":"o","upToDate":true}\n\n',
    );
    expect(toBase64(new Uint8Array([1, 2, 3, 4]))).toBe("AQIDBA==");
    expect(toBase64(new Uint8Array(0))).toBe("");
  });
});

describe("cursors", () => {
  const now = Date.UTC(2026, 0, 1);
  it("is the interval number, and always moves past an echoed cursor that is not behind", () => {
    const current = Number(responseCursor(undefined, now));
    expect(current).toBe(Math.floor((now - Date.UTC(2024, 9, 9)) / 20_000));
    expect(responseCursor(String(current - 5), now)).toBe(String(current));
    expect(Number(responseCursor(String(current), now, () => 0))).toBeGreaterThan(current);
    expect(Number(responseCursor(String(current + 100), now, () => 0.999))).toBeGreaterThan(current + 100);
    expect(responseCursor("garbage", now)).toBe(String(current));
  });
});

describe("live SSE", () => {
  it("sends each data event and its control event in one chunk, then ends at a closed stream's end", async () => {
    const page = { contentType: "text/plain", tail: 5, closed: true, etagId: "e" };
    const source = {
      read: async (position: number) =>
        position < 5 ? { ...page, bytes: new TextEncoder().encode("hello"), next: 5 } : { ...page, next: 5 },
      tail: async () => ({ ...page, next: 5 }),
      wait: async () => {},
    };
    const chunks: string[] = [];
    const reader = createLiveSse(source, { position: 0, keepAliveMs: 10, maxLifetimeMs: 1000 }).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(new TextDecoder().decode(value));
    }
    expect(chunks).toEqual([
      `event: data\ndata:hello\n\nevent: control\ndata:{"streamNextOffset":"${formatOffset(5)}","streamClosed":true,"upToDate":true}\n\n`,
    ]);
  });
});
