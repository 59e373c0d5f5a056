import { describe, expect, it } from "vitest";
import {
  encodeComment,
  encodeEventFrame,
  encodeEventFrames,
  encodeRetry,
  HEARTBEAT_FRAME,
} from "../../src/protocol/sse";

describe("SSE encoding", () => {
  it("encodes an event as id, one data line and a blank line, byte for byte", () => {
    const json = JSON.stringify({ id: 7, payload: { content: "a\nb\r\nid: 9\n\ndata: x" } });
    const frame = encodeEventFrame(7, json);
    expect(frame).toBe(`id: 7\ndata: {"id":7,"payload":{"content":"a\\nb\\r\\nid: 9\\n\\ndata: x"}}\n\n`);
    expect(new TextEncoder().encode(frame).filter((b) => b === 0x0a).length).toBe(3);
  });

  it("refuses data that would break out of its line", () => {
    expect(() => encodeEventFrame(1, '{"a":1}\ndata: evil')).toThrow(RangeError);
    expect(() => encodeEventFrame(1, '{"a":1}\revil')).toThrow(RangeError);
  });

  it("refuses ids that are not positive integers", () => {
    expect(() => encodeEventFrame(0, "{}")).toThrow(RangeError);
    expect(() => encodeEventFrame(1.5, "{}")).toThrow(RangeError);
    expect(() => encodeEventFrame(Number.NaN, "{}")).toThrow(RangeError);
  });

  it("encodes a batch as bytes exactly as its encodeEventFrame strings joined", () => {
    const utf8 = (text: string) => new TextEncoder().encode(text);
    const joined = (firstId: number, jsons: string[]) =>
      jsons.map((json, i) => encodeEventFrame(firstId + i, json)).join("");
    const jsons = [
      "{}",
      JSON.stringify({ content: "ünïcødé 🚀 \u2028 \ud800 lone surrogate", quote: '"\\' }),
      JSON.stringify({ content: "a\nb\r" }),
    ];
    for (const firstId of [1, 8, 9, 98, 99_999, Number.MAX_SAFE_INTEGER - 2]) {
      expect(encodeEventFrames(firstId, jsons)).toEqual(utf8(joined(firstId, jsons)));
    }
    // Larger than the scratch buffer it keeps (3-byte characters), then a small batch again.
    const large = [JSON.stringify({ content: "€".repeat(200_000) }), JSON.stringify({ content: "😀".repeat(50_000) })];
    expect(Buffer.compare(encodeEventFrames(41, large), utf8(joined(41, large)))).toBe(0);
    expect(encodeEventFrames(3, jsons)).toEqual(utf8(joined(3, jsons)));
    expect(encodeEventFrames(1, [])).toEqual(new Uint8Array(0));
  });

  it("gives each batch its own bytes, and refuses what encodeEventFrame refuses", () => {
    const first = encodeEventFrames(1, ['{"a":1}']);
    const copy = first.slice();
    encodeEventFrames(2, ['{"b":2}']);
    expect(first).toEqual(copy);
    expect(() => encodeEventFrames(1, ["{}", '{"a":1}\ndata: evil'])).toThrow(RangeError);
    expect(() => encodeEventFrames(0, ["{}"])).toThrow(RangeError);
    expect(() => encodeEventFrames(Number.MAX_SAFE_INTEGER, ["{}", "{}"])).toThrow(RangeError);
  });

  it("encodes comments line by line, so text cannot become a field", () => {
    expect(encodeComment("heartbeat")).toBe(": heartbeat\n\n");
    expect(encodeComment("a\ndata: x\rb")).toBe(": a\n: data: x\n: b\n\n");
    expect(HEARTBEAT_FRAME).toBe(": heartbeat\n\n");
  });

  it("encodes the retry field", () => {
    expect(encodeRetry(1000)).toBe("retry: 1000\n\n");
    expect(() => encodeRetry(-1)).toThrow(RangeError);
  });
});
