/**
 * The history budget (src/agents/history-budget.ts): newest exchanges whole, a note for the rest,
 * never over the budget, and storage read no further than needed.
 */
import { describe, expect, it } from "vitest";
import { budgetHistory, type ChatTurn, OMITTED_NOTE } from "../../src/agents/history-budget";
import type { ChatMessage } from "../../src/llm/provider";

/** `exchanges` user/assistant pairs, oldest first; pair i is `u<i>`/`a<i>` padded to `chars` each. */
function conversation(exchanges: number, chars = 10): ChatTurn[] {
  const pad = (text: string) => text.padEnd(chars, ".");
  return Array.from({ length: exchanges }, (_, i) => [
    { role: "user" as const, content: pad(`u${i}`) },
    { role: "assistant" as const, content: pad(`a${i}`) },
  ]).flat();
}

/** The turns newest first, counting how many were read. */
function newestFirst(turns: ChatTurn[]): { turns: Iterable<ChatTurn>; read: () => number } {
  let read = 0;
  function* iterate() {
    for (let i = turns.length - 1; i >= 0; i--) {
      read++;
      yield turns[i];
    }
  }
  return { turns: iterate(), read: () => read };
}

const chars = (messages: ChatMessage[]) => messages.reduce((sum, message) => sum + message.content.length, 0);

describe("budgetHistory", () => {
  it("keeps a conversation that fits as it is, oldest first, with no note", () => {
    const turns = conversation(3);
    expect(budgetHistory(newestFirst(turns).turns, 60)).toEqual(turns);
    expect(budgetHistory([], 60)).toEqual([]);
  });

  it("keeps the newest exchanges whole and puts the note in place of the older ones", () => {
    const turns = conversation(10);
    const budget = 40 + OMITTED_NOTE.length + 15;
    const history = budgetHistory(newestFirst(turns).turns, budget);
    expect(history).toEqual([{ role: "system", content: OMITTED_NOTE }, ...turns.slice(-4)]);
    expect(chars(history)).toBeLessThanOrEqual(budget);
  });

  it("never splits an exchange: a reply goes with the message it answers", () => {
    const turns = conversation(4);
    // Room for 3.5 exchanges; a budget below the note's length never gets the note.
    const history = budgetHistory(newestFirst(turns).turns, 70);
    expect(history.map((m) => m.content.slice(0, 2))).toEqual(["u1", "a1", "u2", "a2", "u3", "a3"]);
  });

  it("drops another exchange when that is what it takes to fit the note", () => {
    const turns = conversation(10);
    const budget = 40 + OMITTED_NOTE.length - 1;
    const history = budgetHistory(newestFirst(turns).turns, budget);
    expect(history).toEqual([{ role: "system", content: OMITTED_NOTE }, ...turns.slice(-2)]);
    expect(chars(history)).toBeLessThanOrEqual(budget);
  });

  it("sends nothing when even the newest exchange is over the budget, and nothing at all with a budget of 0", () => {
    const turns = conversation(2, 200);
    expect(budgetHistory(newestFirst(turns).turns, 300)).toEqual([{ role: "system", content: OMITTED_NOTE }]);
    expect(budgetHistory(newestFirst(turns).turns, 0)).toEqual([]);
  });

  it("treats replies older than any user message as one exchange", () => {
    const orphan: ChatTurn = { role: "assistant", content: "o".repeat(100) };
    const turns = [orphan, ...conversation(1)];
    expect(budgetHistory(newestFirst(turns).turns, 120)).toEqual(turns);
    expect(budgetHistory(newestFirst(turns).turns, 20 + OMITTED_NOTE.length)).toEqual([
      { role: "system", content: OMITTED_NOTE },
      ...turns.slice(1),
    ]);
  });

  it("reads storage only up to the first exchange that does not fit", () => {
    const source = newestFirst(conversation(300));
    budgetHistory(source.turns, 24_000);
    // 24,000 characters hold 1,200 messages of 20: exactly the 600 there are, read once each.
    expect(source.read()).toBe(600);
    const small = newestFirst(conversation(300));
    budgetHistory(small.turns, 100);
    expect(small.read()).toBe(12);
  });
});
