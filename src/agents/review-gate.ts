/**
 * Review checkpoints and steering, as the agents see them (docs/interaction.md): which completed
 * agent holds the run for a person's review, and what an agent is told beyond its prompt: what
 * people added to the run before it started, and, when a review asked for a revision, its earlier
 * answer and the feedback. Pure: tested under Node.
 */
import type { ChatMessage } from "../llm/provider";
import type { PlannedNode } from "./pipeline-graph";
import type { RunRecord } from "./run-record";

/** The agent names in a run's `options.review` (validated: names of the pipeline's agents). */
export function reviewList(options: Record<string, unknown>): string[] {
  return Array.isArray(options.review) ? options.review.map(String) : [];
}

/**
 * The first planned agent (in plan order) that completed, is listed for review (by its name, or
 * for a `forEach` instance by its definition's) and whose review is not answered yet.
 */
export function pendingReview(
  run: Pick<RunRecord, "agents" | "options" | "reviewed">,
  plan: readonly { name: string; definition: Pick<PlannedNode["definition"], "name"> }[],
): string | undefined {
  const listed = new Set(reviewList(run.options));
  if (listed.size === 0) return undefined;
  const answered = new Set(run.reviewed ?? []);
  return plan.find(
    (agent) =>
      (listed.has(agent.name) || listed.has(agent.definition.name)) &&
      run.agents[agent.name]?.status === "completed" &&
      !answered.has(agent.name),
  )?.name;
}

/** The words that introduce a person's message to a running run in an agent's context. */
export const USER_ADDED = "The user added: ";
/** The words that introduce a reviewer's feedback to the agent that revises its answer. */
export const REVISE_WITH = "A reviewer asked you to revise your answer. Their feedback: ";

/**
 * What `agent` reads after its prompt: each message people added before it started, then, when
 * it revises an answer, that answer and the reviewer's feedback (the last word is the request).
 */
export function interactionMessages(run: Pick<RunRecord, "agents" | "messages">, agent: string): ChatMessage[] {
  const out: ChatMessage[] = (run.messages ?? []).map((text) => ({ role: "user", content: `${USER_ADDED}${text}` }));
  const revision = run.agents[agent]?.revision;
  if (revision) {
    out.push({ role: "assistant", content: revision.previous });
    out.push({ role: "user", content: `${REVISE_WITH}${revision.feedback}` });
  }
  return out;
}
