/**
 * The figures of one finished run (`run_metrics`): pipeline, status, duration, time to first
 * token, tokens, retries, fallback and resumes, from its record; and the same figures as one
 * Workers Analytics Engine data point, whose layout (which blob and double is which) is defined
 * here once and documented in docs/observability.md (a test holds the two together). Pure.
 */
import type { RunRecord } from "./run-record";
import { runUsage } from "./token-usage";

/** What a finished run measured. */
export interface RunMetrics {
  pipeline: string;
  status: string;
  /** The run's default model (its `model` option, else the configured one). */
  model: string;
  duration_ms: number;
  /** Time to first token of the run's first agent (it starts with the run), ms; -1 when no token arrived. */
  ttft_ms: number;
  /** Each agent's time to its first token, from its own start, ms (agents that streamed nothing are absent). */
  agent_ttft_ms: Record<string, number>;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** Tokens of failed attempts (included in the totals above). */
  retried_tokens: number;
  /** Retries of all agents (fallback attempts included). */
  retries: number;
  /** Agents whose last attempt ran on the fallback model. */
  fallbacks: number;
  /** Times the run was resumed after its session object restarted. */
  resumes: number;
  agents: number;
  failed_agents: number;
}

/** The metrics of `run`, which has ended; `defaultModel` names the model when the run's options do not. */
export function runMetrics(run: RunRecord, defaultModel: string): RunMetrics {
  const agents = Object.entries(run.agents).filter(([, a]) => a.status !== "skipped");
  const usage = runUsage(run.agents);
  const agentTtft: Record<string, number> = {};
  for (const [name, agent] of agents) if (agent.first_token_ms !== undefined) agentTtft[name] = agent.first_token_ms;
  // Agents are recorded in the order they started: the first is the one the user waits on first.
  const first = agents[0]?.[1].first_token_ms;
  const ended = run.finished_at ? Date.parse(run.finished_at) : Number.NaN;
  return {
    pipeline: run.mode,
    status: run.status,
    model: typeof run.options.model === "string" ? run.options.model : defaultModel,
    duration_ms: Number.isNaN(ended) ? 0 : Math.max(0, ended - Date.parse(run.started_at)),
    ttft_ms: first ?? -1,
    agent_ttft_ms: agentTtft,
    prompt_tokens: usage.prompt_tokens,
    completion_tokens: usage.completion_tokens,
    total_tokens: usage.total_tokens,
    retried_tokens: usage.retried.prompt_tokens + usage.retried.completion_tokens,
    retries: agents.reduce((sum, [, a]) => sum + (a.retries ?? 0), 0),
    fallbacks: agents.filter(([, a]) => a.fallback).length,
    resumes: run.resumes,
    agents: agents.length,
    failed_agents: agents.filter(([, a]) => a.status === "failed").length,
  };
}

/** The blobs of a run's data point, in order (`blob1`, `blob2`, ... in SQL). */
export const METRICS_BLOBS = ["pipeline", "status", "user_id", "model"] as const;

/** The doubles of a run's data point, in order (`double1`, `double2`, ...). */
export const METRICS_DOUBLES = [
  "duration_ms",
  "ttft_ms",
  "prompt_tokens",
  "completion_tokens",
  "total_tokens",
  "retried_tokens",
  "retries",
  "fallbacks",
  "resumes",
  "agents",
  "failed_agents",
] as const;

/** An Analytics Engine data point, as `writeDataPoint` takes it. */
export interface MetricsDataPoint {
  /** The sampling key: the pipeline, so each pipeline's runs are sampled apart. */
  indexes: [string];
  blobs: string[];
  doubles: number[];
}

/** `metrics` of a run of `userId` as one data point, laid out as METRICS_BLOBS and METRICS_DOUBLES say. */
export function metricsDataPoint(metrics: RunMetrics, userId: string): MetricsDataPoint {
  const blobs: Record<(typeof METRICS_BLOBS)[number], string> = {
    pipeline: metrics.pipeline,
    status: metrics.status,
    user_id: userId,
    model: metrics.model,
  };
  return {
    indexes: [metrics.pipeline],
    blobs: METRICS_BLOBS.map((name) => blobs[name]),
    doubles: METRICS_DOUBLES.map((name) => metrics[name]),
  };
}
