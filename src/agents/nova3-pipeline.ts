/**
 * Nova3: a supervisor runs a content pipeline of agents, step by step, each later agent getting
 * the outputs it depends on. Agents in one step run in parallel with their failures isolated:
 * an optional agent's failure makes the run partial; a required agent's failure fails it.
 */
import { EVENT_TYPES, type PlannedAgent, RUN_STATUSES, type RunStatus, SUPERVISOR } from "../protocol/events";
import { runAgent } from "./agent-runner";
import { AgentFailure, reportAgentFailure } from "./failures";
import type { AgentSpec, RunContext } from "./run-context";

interface Nova3Agent extends AgentSpec {
  /** Agents whose outputs this one gets as context. */
  uses: string[];
}

const agent = (name: string, task: string, system: string, uses: string[], required = true): Nova3Agent => ({
  name,
  task,
  system,
  uses,
  required,
});

/** The pipeline, one array per step; agents of one step run in parallel. */
export const NOVA3_STEPS: Nova3Agent[][] = [
  [
    agent(
      "requirement_analyzer",
      "Work out what the user wants",
      "You are the requirement analyzer. State the goal, audience, format and constraints of the request.",
      [],
    ),
  ],
  [
    agent(
      "strategy_generator",
      "Draft a content strategy",
      "You are the strategy generator. Propose a content strategy that meets the analyzed requirements.",
      ["requirement_analyzer"],
    ),
  ],
  [
    agent(
      "insight_agent",
      "Find audience insights",
      "You are the insight agent. Give insights about the audience and market that sharpen the strategy.",
      ["requirement_analyzer", "strategy_generator"],
      false,
    ),
    agent(
      "profile_agent",
      "Profile the target reader",
      "You are the profile agent. Describe the target reader persona: needs, habits and tone they respond to.",
      ["requirement_analyzer", "strategy_generator"],
      false,
    ),
  ],
  [
    agent(
      "content_agent",
      "Write the content",
      "You are the content agent. Write the content itself from the strategy, insights and profile.",
      ["requirement_analyzer", "strategy_generator", "insight_agent", "profile_agent"],
    ),
  ],
  [
    agent(
      "optimization_agent",
      "Polish the content",
      "You are the optimization agent. Polish the draft: tighten wording, fix flow, keep the meaning.",
      ["content_agent"],
    ),
  ],
];

/** Every Nova3 agent name, in pipeline order. */
export const NOVA3_AGENTS = NOVA3_STEPS.flat().map((a) => a.name);

/** Every Nova3 run plans the whole pipeline. */
export function planNova3(): PlannedAgent[] {
  return NOVA3_STEPS.flat().map(({ name, task, uses, required }) => ({ name, task, uses, required }));
}

function contextFor(ctx: RunContext, spec: Nova3Agent): string {
  const parts = spec.uses
    .map((name) => ({ name, state: ctx.run.agents[name] }))
    .filter(({ state }) => state?.status === "completed")
    .map(({ name, state }) => `## ${name}\n${state?.text}`);
  return parts.length ? `\n\nWork so far:\n${parts.join("\n\n")}` : "";
}

function isFinal(status: string | undefined): boolean {
  return status === "completed" || status === "failed";
}

/** Runs the pipeline; returns the run's status and final content. Throws AgentFailure when a required agent fails. */
export async function runNova3(ctx: RunContext): Promise<{ status: RunStatus; content: string }> {
  let partial = false;
  for (const [index, step] of NOVA3_STEPS.entries()) {
    // In a run resumed after a restart, a step whose agents all finished before it was reported already.
    const reported = step.every((spec) => isFinal(ctx.run.agents[spec.name]?.status));
    const results = await Promise.allSettled(
      step.map((spec) =>
        runAgent(ctx, spec, [{ role: "user", content: `${ctx.run.message}${contextFor(ctx, spec)}` }]),
      ),
    );
    ctx.signal.throwIfAborted();
    results.forEach((result, i) => {
      if (result.status === "fulfilled") return;
      const spec = step[i];
      reportAgentFailure(ctx, spec.name, result.reason);
      if (spec.required) throw new AgentFailure(spec.name, result.reason);
      partial = true;
    });
    if (reported) continue;
    ctx.emit({
      event_type: EVENT_TYPES.PROGRESS,
      agent_source: SUPERVISOR,
      payload: {
        completed_steps: index + 1,
        total_steps: NOVA3_STEPS.length,
        percent: Math.round(((index + 1) / NOVA3_STEPS.length) * 100),
        stage: step.map((s) => s.name).join("+"),
      },
    });
  }
  const content = ctx.run.agents.optimization_agent?.text ?? "";
  return { status: partial ? RUN_STATUSES.PARTIAL : RUN_STATUSES.COMPLETED, content };
}
