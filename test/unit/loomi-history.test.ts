/**
 * Loomi sends a long session's newest turns upstream, not all of them (defect 5): with the
 * default LOOMI_HISTORY_CHARS a 300-turn session's request stays under the budget, keeps the
 * newest exchanges whole and always carries the current message.
 */
import { describe, expect, it } from "vitest";
import { OMITTED_NOTE } from "../../src/agents/history-budget";
import { LOOMI } from "../../src/agents/loomi-concierge";
import { runPipeline } from "../../src/agents/pipeline-runner";
import type { RunContext } from "../../src/agents/run-context";
import { newRunRecord } from "../../src/agents/run-record";
import { DEFAULTS } from "../../src/env";
import type { ChatMessage, LlmProvider } from "../../src/llm/provider";
import { retryPolicy } from "../../src/llm/retry";
import { MODES } from "../../src/protocol/events";
import { RecordingModel } from "../helpers/recording-model";

/** A session of `turns` earlier Loomi turns (a 200-char question, an 800-char answer), read newest first. */
function storedTurns(turns: number) {
  const rows = Array.from({ length: turns }, (_, i) => [
    { role: "user" as const, content: `question ${i} `.padEnd(200, "q") },
    { role: "assistant" as const, content: `answer ${i} `.padEnd(800, "a") },
  ]).flat();
  let read = 0;
  function* newestFirst() {
    for (let i = rows.length - 1; i >= 0; i--) {
      read++;
      yield rows[i];
    }
  }
  return { rows, newestFirst, read: () => read };
}

function context(
  message: string,
  llm: LlmProvider,
  history: () => Iterable<ChatMessage & { role: "user" | "assistant" }>,
) {
  const ctx: RunContext = {
    run: newRunRecord({ mode: MODES.LOOMI, message, options: {} }, 1, Date.now()),
    signal: new AbortController().signal,
    llm,
    retry: retryPolicy(DEFAULTS),
    models: { defaultModel: "test", agentModels: {} },
    emit: () => {},
    checkpoint: () => {},
    history,
    historyChars: DEFAULTS.loomiHistoryChars,
  };
  return ctx;
}

const chars = (messages: ChatMessage[]) => messages.reduce((sum, m) => sum + m.content.length, 0);

describe("Loomi's history", () => {
  it("stays under LOOMI_HISTORY_CHARS in a 300-turn session, newest turns whole, current message always sent", async () => {
    const session = storedTurns(300);
    expect(chars(session.rows)).toBe(300_000);
    const llm = new RecordingModel();
    const message = "Write a tagline for the backpack";
    await runPipeline(context(message, llm, session.newestFirst), LOOMI);

    // The concierge's request: its prompt, the budgeted history, the message.
    const [concierge, specialist] = llm.requests;
    const history = concierge.slice(1, -1);
    expect(chars(history)).toBeLessThanOrEqual(DEFAULTS.loomiHistoryChars);
    expect(history[0]).toEqual({ role: "system", content: OMITTED_NOTE });
    expect(history.slice(1)).toEqual(session.rows.slice(-(history.length - 1)));
    expect(history.length - 1).toBe(46); // 23 whole exchanges of 1,000 characters, and the note
    expect(concierge.at(-1)).toEqual({ role: "user", content: message });
    // The specialist gets the same history, then the turn itself.
    expect(specialist.slice(1, history.length + 1)).toEqual(history);
    // Storage is read one exchange past the 24 that fit before the note took a place, not to the start.
    expect(session.read()).toBe(50);
  });

  it("sends the current message even when it alone is longer than the budget", async () => {
    const llm = new RecordingModel();
    const message = "m".repeat(DEFAULTS.loomiHistoryChars + 1);
    await runPipeline(context(message, llm, storedTurns(3).newestFirst), LOOMI);
    expect(llm.requests[0].at(-1)).toEqual({ role: "user", content: message });
    expect(chars(llm.requests[0].slice(1, -1))).toBe(3000);
  });
});
