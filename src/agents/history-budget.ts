/**
 * Which earlier turns of a conversation go upstream with the next message: the newest exchanges,
 * whole, as many as fit in a budget of characters, and a one-line note in place of the rest. A long
 * session then costs each turn no more than a short one, and never outgrows the model's context.
 */
import type { ChatMessage } from "../llm/provider";

/** One stored message of the conversation. */
export interface ChatTurn {
  role: "user" | "assistant";
  content: string;
}

/**
 * Stands in for the exchanges left out. It does not say how many: counting them would mean
 * reading them, which is the work the budget saves.
 */
export const OMITTED_NOTE = "Earlier turns of this conversation were left out to fit the context window.";

/**
 * The newest exchanges of `newestFirst` that fit in `budgetChars`, oldest first, preceded by
 * OMITTED_NOTE (as a system message) when any was left out and the note fits; note and turns
 * together stay within the budget. An exchange is a user message with the replies after it, kept or dropped whole.
 * Reads `newestFirst` only as far as it must: up to the first exchange that does not fit.
 */
export function budgetHistory(newestFirst: Iterable<ChatTurn>, budgetChars: number): ChatMessage[] {
  const kept: ChatTurn[][] = [];
  let used = 0;
  let exchange: ChatTurn[] = [];
  let size = 0;
  let omitted = false;
  const close = (): boolean => {
    if (used + size > budgetChars) return false;
    kept.push(exchange.reverse());
    used += size;
    exchange = [];
    size = 0;
    return true;
  };
  for (const turn of newestFirst) {
    exchange.push(turn);
    size += turn.content.length;
    if (turn.role === "user" && !close()) {
      omitted = true;
      break;
    }
  }
  // Replies older than any user message (never written so, but storage is not ours to trust).
  if (!omitted && exchange.length > 0) omitted = !close();
  // The note goes when it fits the budget at all, in place of as many of the oldest kept exchanges as it needs.
  const noted = omitted && OMITTED_NOTE.length <= budgetChars;
  while (noted && used + OMITTED_NOTE.length > budgetChars) {
    for (const turn of kept.pop() ?? []) used -= turn.content.length;
  }
  const history: ChatMessage[] = kept.reverse().flat();
  if (noted) history.unshift({ role: "system", content: OMITTED_NOTE });
  return history;
}
