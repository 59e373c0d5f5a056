/**
 * The cost and ai-resume scenarios' own arithmetic (docs/cost.md): prices applied per unit, with
 * WebSocket messages at 20 to a request and 128 MB per active object; and the UI message stream
 * helpers that split an answer one token a frame and rebuild its text.
 */
import { describe, expect, it } from "vitest";
// @ts-expect-error: plain ESM module of the bench, without types
import { OBJECT_GB, PRICES, price } from "../../bench/lib/prices.mjs";
// @ts-expect-error: plain ESM module of the bench, without types
import { encodeFrame, textOf, tokenByToken } from "../../bench/lib/ui-stream.mjs";

describe("price", () => {
  it("prices each line at its unit price", () => {
    const usd = price({
      workerRequests: 1e6,
      workerCpuMs: 1e6,
      objectRequests: 1e6,
      webSocketMessages: 20e6,
      activeSeconds: 1e6,
      rowsRead: 1e6,
      rowsWritten: 1e6,
      storedGbMonth: 1,
    });
    expect(usd.workerRequests).toBeCloseTo(0.3);
    expect(usd.workerCpu).toBeCloseTo(0.02);
    expect(usd.objectRequests).toBeCloseTo(0.15 * 2); // 1 M requests + 20 M messages at 20:1
    expect(usd.duration).toBeCloseTo(12.5 * OBJECT_GB);
    expect(usd.rowsRead).toBeCloseTo(0.001);
    expect(usd.rowsWritten).toBeCloseTo(1);
    expect(usd.storage).toBeCloseTo(PRICES.gbMonth);
    expect(usd.total).toBeCloseTo(0.3 + 0.02 + 0.3 + 12.5 * OBJECT_GB + 0.001 + 1 + 0.2);
  });

  it("is zero for no usage", () => {
    expect(price({}).total).toBe(0);
  });
});

describe("token-by-token frames", () => {
  const frames = [
    { chunk: { type: "start", messageId: "m" } },
    { chunk: { type: "text-start", id: "a" } },
    { chunk: { type: "text-delta", id: "a", delta: "Solar packs charge " } },
    { id: 4, chunk: { type: "text-delta", id: "a", delta: "while you walk." } },
    { chunk: "[DONE]" },
  ];

  it("splits every delta into one frame per token, each with its own id, and keeps the text", () => {
    const out: string[] = tokenByToken(frames);
    expect(out).toHaveLength(2 + 6);
    expect(out[2]).toBe(encodeFrame({ type: "text-delta", id: "a", delta: "Solar " }, 3));
    const rebuilt = out.map((frame) => ({ chunk: JSON.parse(frame.split("data: ")[1]) }));
    expect(textOf(rebuilt)).toBe("Solar packs charge while you walk.");
    expect(textOf(rebuilt)).toBe(textOf(frames));
  });
});
