/**
 * Token counts: adding them up, estimating an attempt the model did not report, and a run's
 * totals from its agents' states. Pure: the agent runner records, the run controller, snapshot,
 * metrics and quota read the totals.
 */
import type { ChatMessage } from "../llm/provider";
import type { RunUsage, TokenUsage } from "../protocol/events";
import type { AgentState } from "./run-record";

/** No tokens. */
export const NO_TOKENS: TokenUsage = Object.freeze({ prompt_tokens: 0, completion_tokens: 0 });

/**
 * Characters a token stands for when the model reports no usage (an endpoint that ignores
 * `stream_options`, an attempt cut off before its usage chunk): OpenAI's rule of thumb for English.
 */
export const CHARS_PER_TOKEN = 4;

export function addTokens(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    prompt_tokens: a.prompt_tokens + b.prompt_tokens,
    completion_tokens: a.completion_tokens + b.completion_tokens,
  };
}

/** An estimate of an attempt's tokens from its prompt and the text it streamed. */
export function estimateTokens(messages: readonly ChatMessage[], streamed: string): TokenUsage {
  const promptChars = messages.reduce((sum, m) => sum + m.content.length, 0);
  return {
    prompt_tokens: Math.ceil(promptChars / CHARS_PER_TOKEN),
    completion_tokens: Math.ceil(streamed.length / CHARS_PER_TOKEN),
  };
}

/** A run's tokens: every agent's successful and failed attempts, the failed ones also apart. */
export function runUsage(agents: Readonly<Record<string, AgentState>>): RunUsage {
  let all = NO_TOKENS;
  let retried = NO_TOKENS;
  for (const agent of Object.values(agents)) {
    all = addTokens(all, addTokens(agent.usage ?? NO_TOKENS, agent.retried ?? NO_TOKENS));
    retried = addTokens(retried, agent.retried ?? NO_TOKENS);
  }
  return { ...all, total_tokens: all.prompt_tokens + all.completion_tokens, retried };
}
