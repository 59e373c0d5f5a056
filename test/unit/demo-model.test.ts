import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DemoModel, demoText, tokenize } from "../../src/llm/demo-model";
import type { ChatRequest } from "../../src/llm/provider";

const request = (): ChatRequest => ({
  model: "demo",
  messages: [
    { role: "system", content: "You are the concierge." },
    { role: "user", content: "Tell me about hiking" },
  ],
  signal: new AbortController().signal,
});

describe("DemoModel", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("streams the same deterministic text, token by token", async () => {
    const tokens: string[] = [];
    const done = (async () => {
      for await (const token of new DemoModel(25, 30).stream(request())) tokens.push(token);
    })();
    await vi.runAllTimersAsync();
    await done;
    expect(tokens).toEqual(tokenize(demoText(request(), 30)));
    expect(tokens.join("")).toBe(demoText(request(), 30));
  });

  it("keeps its own pace: tokens that fell due while the event loop ran late arrive back to back", async () => {
    const arrived: number[] = [];
    const iterator = new DemoModel(25, 30).stream(request())[Symbol.asyncIterator]();
    const pull = async () => {
      await iterator.next();
      arrived.push(arrived.length);
    };
    // The loop is busy for 100 ms before the first token's timer gets to run...
    let pending = pull();
    vi.setSystemTime(Date.now() + 100);
    await vi.advanceTimersByTimeAsync(25);
    await pending;
    // ...by then tokens 2 to 5 (due at 50, 75, 100 and 125 ms) are due too: no further waiting.
    for (let i = 0; i < 4; i++) {
      pending = pull();
      await vi.advanceTimersByTimeAsync(0);
      await pending;
    }
    expect(arrived).toEqual([0, 1, 2, 3, 4]);
    // The sixth is due at 150 ms: it waits for its time.
    pending = pull();
    await vi.advanceTimersByTimeAsync(0);
    expect(arrived).toHaveLength(5);
    await vi.advanceTimersByTimeAsync(25);
    await pending;
    expect(arrived).toHaveLength(6);
  });
});
