import { describe, expect, it } from "vitest";
import { encodeComment, encodeEventFrame, encodeRetry, HEARTBEAT_FRAME } from "../../src/protocol/sse";

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
