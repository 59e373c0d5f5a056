/**
 * Runs any pipeline definition: plans the run, starts each agent as soon as the agents it uses
 * have finished (graph-scheduler.ts), gives it the outputs it uses, reports progress after each
 * agent, and turns failures into the run's status: an optional agent's failure makes the run
 * partial, a required agent's fails it (AgentFailure). Agents finished before a restart are not
 * run or reported again.
 */
import type { ChatMessage } from "../llm/provider";
import { EVENT_TYPES, RUN_STATUSES, SUPERVISOR } from "../protocol/events";
import { runAgent } from "./agent-runner";
import { AgentFailure, reportAgentFailure } from "./failures";
import { scheduleGraph } from "./graph-scheduler";
import { budgetHistory } from "./history-budget";
import type { PipelineDefinition, PromptInput } from "./pipeline-definition";
import { interactionMessages, pendingReview } from "./review-gate";
import type { PipelineOutcome, RunContext } from "./run-context";
import { type PlannedRunAgent, planRun } from "./run-plan";

/** The default prompt: the message, then the outputs the agent uses. */
export function defaultPrompt(input: PromptInput): ChatMessage[] {
  const parts = Object.entries(input.outputs).map(([name, text]) => `## ${name}\n${text}`);
  const context = parts.length ? `\n\nWork so far:\n${parts.join("\n\n")}` : "";
  return [{ role: "user", content: `${input.message}${context}` }];
}

/** The default content: the texts of the agents no other planned agent uses, joined. */
function sinkContent(plan: readonly PlannedRunAgent[], outputs: Record<string, string>): string {
  const used = new Set(plan.flatMap((agent) => agent.uses));
  return plan
    .filter((agent) => !used.has(agent.name) && outputs[agent.name] !== undefined)
    .map((agent) => outputs[agent.name])
    .join("\n\n");
}

const isFinal = (status: string | undefined) => status === "completed" || status === "failed";

/**
 * Progress by steps: a step is every agent at one depth of the graph (Nova3's insight and profile
 * agents are one step), reported once it and every step before it have finished. A step with a
 * failed required agent is never reported (the run fails), and neither is one that had finished
 * before a restart (it was reported then). Returns what to call when an agent settles.
 */
function stepProgress(
  ctx: RunContext,
  plan: readonly PlannedRunAgent[],
): (agent: PlannedRunAgent, ok: boolean) => void {
  const steps: PlannedRunAgent[][] = [];
  for (const agent of plan) {
    steps[agent.depth] ??= [];
    steps[agent.depth].push(agent);
  }
  const finalAtStart = (step: PlannedRunAgent[]) => step.every((a) => isFinal(ctx.run.agents[a.name]?.status));
  let next = 0;
  while (next < steps.length && finalAtStart(steps[next])) next++;
  const done = new Set<string>();
  const broken = new Set<number>();
  return (agent, ok) => {
    if (ctx.signal.aborted) return;
    done.add(agent.name);
    if (!ok) broken.add(agent.depth);
    while (next < steps.length && !broken.has(next) && steps[next].every((a) => done.has(a.name))) {
      next++;
      ctx.emit({
        event_type: EVENT_TYPES.PROGRESS,
        agent_source: SUPERVISOR,
        payload: {
          completed_steps: next,
          total_steps: steps.length,
          percent: Math.round((next / steps.length) * 100),
          stage: steps[next - 1].map((a) => a.name).join("+"),
        },
      });
    }
  };
}

/**
 * Runs `def` for the context's run; returns the run's status and content, or the agent whose
 * review the run pauses for (no agent starts while one awaits it). Throws AgentFailure when a
 * required agent fails.
 */
export async function runPipeline(ctx: RunContext, def: PipelineDefinition): Promise<PipelineOutcome> {
  const { run } = ctx;
  const plan = planRun(def, run.message, run.options, ctx.models);
  for (const name of Array.isArray(run.options.skip) ? run.options.skip : []) {
    run.agents[String(name)] ??= { status: "skipped", text: "" };
  }
  const progress = stepProgress(ctx, plan);
  let history: ChatMessage[] | undefined;
  const texts = () => {
    const out: Record<string, string> = {};
    for (const agent of plan)
      if (run.agents[agent.name]?.status === "completed") out[agent.name] = run.agents[agent.name].text;
    return out;
  };
  const results = await scheduleGraph(
    plan,
    async (agent) => {
      ctx.signal.throwIfAborted();
      const done = texts();
      const input: PromptInput = {
        message: run.message,
        outputs: Object.fromEntries(agent.uses.filter((u) => done[u] !== undefined).map((u) => [u, done[u]])),
        each: agent.each,
        // Read once a run (both Loomi agents share it), and only by a pipeline that asks.
        history: () => {
          history ??= budgetHistory(ctx.history(), ctx.historyChars);
          return history;
        },
      };
      const messages = [...(agent.definition.prompt ?? defaultPrompt)(input), ...interactionMessages(run, agent.name)];
      const spec = {
        name: agent.name,
        task: agent.task,
        system: agent.system,
        required: agent.required,
        settings: agent.settings,
      };
      try {
        await runAgent(ctx, spec, messages);
      } catch (error) {
        progress(agent, !agent.required);
        throw error;
      }
      progress(agent, true);
    },
    () => pendingReview(run, plan) !== undefined,
  );
  ctx.signal.throwIfAborted();
  let partial = false;
  for (const result of results) {
    if (result.ok) continue;
    reportAgentFailure(ctx, result.node.name, result.error);
    if (result.node.required) throw new AgentFailure(result.node.name, result.error);
    partial = true;
  }
  const awaiting = pendingReview(run, plan);
  if (awaiting) return { awaiting };
  const outputs = texts();
  const content = def.content ? def.content(outputs) : sinkContent(plan, outputs);
  return { status: partial ? RUN_STATUSES.PARTIAL : RUN_STATUSES.COMPLETED, content };
}
