/**
 * Loomi: a conversational concierge. Each turn sees the session's newest earlier turns (as many as
 * fit LOOMI_HISTORY_CHARS; see history-budget.ts), answers in a streamed reply and, when the user
 * asks for content, hands the request to a specialist agent whose events carry its own name.
 */

import type { ChatMessage } from "../llm/provider";
import { EVENT_TYPES, type PlannedAgent, RUN_STATUSES, type RunStatus, SUPERVISOR } from "../protocol/events";
import { runAgent } from "./agent-runner";
import { AgentFailure } from "./failures";
import { budgetHistory } from "./history-budget";
import type { AgentSpec, RunContext } from "./run-context";

export const CONCIERGE: AgentSpec = {
  name: "loomi_concierge",
  task: "Answer the user in the conversation",
  system: "You are Loomi, a friendly concierge. Answer helpfully and build on the conversation so far.",
  required: true,
};

export const SPECIALIST: AgentSpec = {
  name: "content_agent",
  task: "Write the content the user asked Loomi for",
  system: "You are the content specialist. Write the content the user asked for, using the conversation.",
  required: true,
};

/** Messages that ask for content to be written go to the specialist. */
const HANDOFF = /\b(write|draft|compose|create|generate|rewrite)\b/i;

export function wantsSpecialist(message: string): boolean {
  return HANDOFF.test(message);
}

/** A turn plans the concierge, and the specialist when the message asks for content. */
export function planLoomi(message: string): PlannedAgent[] {
  const concierge = { name: CONCIERGE.name, task: CONCIERGE.task, uses: [], required: true };
  if (!wantsSpecialist(message)) return [concierge];
  return [concierge, { name: SPECIALIST.name, task: SPECIALIST.task, uses: [CONCIERGE.name], required: true }];
}

function progress(ctx: RunContext, done: number, total: number, stage: string): void {
  ctx.emit({
    event_type: EVENT_TYPES.PROGRESS,
    agent_source: SUPERVISOR,
    payload: { completed_steps: done, total_steps: total, percent: Math.round((done / total) * 100), stage },
  });
}

/** Runs an agent the turn cannot do without: its failure (already reported by the runner) fails the run. */
async function required(ctx: RunContext, spec: AgentSpec, messages: ChatMessage[]): Promise<string> {
  try {
    return await runAgent(ctx, spec, messages);
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    throw new AgentFailure(spec.name, error);
  }
}

/** Runs one conversational turn; returns the run's status and the reply. */
export async function runLoomi(ctx: RunContext): Promise<{ status: RunStatus; content: string }> {
  // The newest exchanges that fit the budget: a long session must not send its whole past each turn.
  const history = budgetHistory(ctx.history(), ctx.historyChars);
  const handoff = wantsSpecialist(ctx.run.message);
  const total = handoff ? 2 : 1;
  const conversation = [...history, { role: "user" as const, content: ctx.run.message }];
  // A turn resumed after a restart already reported the concierge's step.
  const replied = ctx.run.agents[CONCIERGE.name]?.status === "completed";
  const reply = await required(ctx, CONCIERGE, conversation);
  ctx.signal.throwIfAborted();
  if (!replied) progress(ctx, 1, total, CONCIERGE.name);
  if (!handoff) return { status: RUN_STATUSES.COMPLETED, content: reply };
  const written = ctx.run.agents[SPECIALIST.name]?.status === "completed";
  const content = await required(ctx, SPECIALIST, [
    ...conversation,
    { role: "assistant", content: reply },
    { role: "user", content: `Please write it now: ${ctx.run.message}` },
  ]);
  ctx.signal.throwIfAborted();
  if (!written) progress(ctx, 2, total, SPECIALIST.name);
  return { status: RUN_STATUSES.COMPLETED, content: `${reply}\n\n${content}` };
}
