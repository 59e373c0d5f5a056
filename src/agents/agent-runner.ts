/**
 * Runs one agent: `agent_start`, its tokens as `llm_chunk`s, `agent_complete` with the whole text
 * (a long one only by its length and digest), then a checkpoint. Failed attempts are retried here
 * (see src/llm/retry.ts), each one visible as an `error` event that discards what the attempt
 * streamed. An agent already completed in the run's checkpoint is not run again.
 */

import { sleep } from "../lib/sleep";
import type { ChatMessage } from "../llm/provider";
import { decideRetry } from "../llm/retry";
import { ERROR_TYPES, EVENT_TYPES, type TokenUsage } from "../protocol/events";
import { inlineText, textDigest } from "../protocol/text-digest";
import { attemptFailed, reportAgentFailure } from "./failures";
import type { AgentSpec, RunContext } from "./run-context";
import type { AgentState } from "./run-record";
import { addTokens, estimateTokens, NO_TOKENS } from "./token-usage";

/** Length of the one-line summary in `agent_complete`. */
const SUMMARY_CHARS = 160;

export function summarize(text: string): string {
  const first = text.trim().split(/(?<=[.!?])\s/)[0] ?? "";
  return first.length > SUMMARY_CHARS ? `${first.slice(0, SUMMARY_CHARS - 1)}…` : first;
}

/** Streams one agent's answer to `messages` and returns its final text. */
export async function runAgent(ctx: RunContext, spec: AgentSpec, messages: ChatMessage[]): Promise<string> {
  const prior = ctx.run.agents[spec.name];
  if (prior?.status === "completed") return prior.text;
  // Failed for good before a restart: its final `error` is in the log already.
  if (prior?.status === "failed") throw new Error(`agent ${spec.name} failed before the session restarted`);
  const model = spec.settings.model;
  const state: AgentState = { status: "running", text: "", model, ...revisionOf(prior) };
  ctx.run.agents[spec.name] = state;
  // A run resumed after a restart finds its interrupted agents `running`: their `agent_start` is logged already.
  if (prior?.status !== "running") {
    const attempt = state.attempt && state.attempt > 1 ? { attempt: state.attempt } : {};
    ctx.emit({
      event_type: EVENT_TYPES.AGENT_START,
      agent_source: spec.name,
      payload: { status: "started", task_description: spec.task, model, ...attempt },
    });
  }
  const text = await streamWithRetries(ctx, spec, state, [
    { role: "system" as const, content: spec.system },
    ...messages,
  ]);
  ctx.emit({
    event_type: EVENT_TYPES.LLM_CHUNK,
    agent_source: spec.name,
    payload: { content: "", content_type: "text", is_complete: true },
  });
  const usage = state.usage ?? NO_TOKENS;
  const retried = state.retried ?? NO_TOKENS;
  const { revision: _done, ...finished } = state;
  ctx.run.agents[spec.name] = { ...finished, status: "completed", text };
  ctx.emit({
    event_type: EVENT_TYPES.AGENT_COMPLETE,
    agent_source: spec.name,
    payload: {
      status: "completed",
      summary: summarize(text),
      // A long text is not repeated here (no event row grows with an answer): the chunks carry
      // it, its length and digest vouch for it.
      text: inlineText(text),
      chars: text.length,
      digest: textDigest(text),
      model: state.model ?? model,
      prompt_tokens: usage.prompt_tokens,
      completion_tokens: usage.completion_tokens,
      retried,
    },
  });
  ctx.checkpoint();
  return text;
}

/**
 * What a new start of an agent keeps of its prior state: its attempt number, and a revision a
 * review asked for (pending, or cut off by a restart), with the earlier attempts' tokens.
 */
function revisionOf(prior: AgentState | undefined): Partial<AgentState> {
  const attempt = prior?.attempt ? { attempt: prior.attempt } : {};
  if (!prior?.revision) return attempt;
  return { ...attempt, revision: prior.revision, ...(prior.retried ? { retried: prior.retried } : {}) };
}

/**
 * Attempts the agent's LLM call until one succeeds or the retry policy gives up. `state.text` is
 * always the current attempt's text, so a failed attempt's `discarded_chars` is its length.
 * Bounded: at most `maxRetries` retries plus one fallback attempt.
 */
async function streamWithRetries(
  ctx: RunContext,
  spec: AgentSpec,
  state: AgentState,
  messages: ChatMessage[],
): Promise<string> {
  const agent = spec.name;
  const { temperature, max_tokens: maxTokens } = spec.settings;
  const startedAt = Date.now();
  let model = state.model ?? spec.settings.model;
  let retries = 0;
  let onFallback = false;
  for (;;) {
    let reported: TokenUsage | undefined;
    const onUsage = (usage: TokenUsage) => {
      reported = usage;
    };
    try {
      for await (const delta of ctx.llm.stream({
        model,
        messages,
        signal: ctx.signal,
        temperature,
        maxTokens,
        onUsage,
      })) {
        state.first_token_ms ??= Date.now() - startedAt;
        state.text += delta;
        ctx.emit({
          event_type: EVENT_TYPES.LLM_CHUNK,
          agent_source: agent,
          payload: { content: delta, content_type: "text", is_complete: false },
        });
      }
      state.usage = reported ?? estimateTokens(messages, state.text);
      return state.text;
    } catch (error) {
      // An attempt that streamed was paid for; one refused before any text (a 429, a 500) was not.
      const spent = reported ?? (state.text ? estimateTokens(messages, state.text) : NO_TOKENS);
      state.retried = addTokens(state.retried ?? NO_TOKENS, spent);
      // A cancel is not the agent's failure: the run ends as cancelled, without an agent error.
      if (ctx.signal.aborted) throw error;
      const decision = decideRetry(ctx.retry, error, retries, onFallback);
      if (decision.action === "give_up") {
        reportAgentFailure(ctx, agent, error, retries);
        throw error;
      }
      ctx.emit(
        attemptFailed(agent, error, { retryCount: retries, willRetry: true, discarded: state.text.length, model }),
      );
      state.text = "";
      if (decision.action === "fallback") {
        ctx.emit({
          event_type: EVENT_TYPES.ERROR,
          agent_source: agent,
          payload: {
            error: `${agent} failed ${retries + 1} times on ${model}; trying the fallback model ${decision.model} once`,
            error_type: ERROR_TYPES.FALLBACK,
            retry_count: retries,
            will_retry: true,
            discarded_chars: 0,
            model,
            fallback_model: decision.model,
          },
        });
        model = decision.model;
        state.model = model;
        state.fallback = true;
        onFallback = true;
      }
      retries++;
      state.retries = retries;
      await sleep(decision.delayMs, ctx.signal);
    }
  }
}
