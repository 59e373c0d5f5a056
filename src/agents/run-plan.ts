/**
 * The plan of one run: the pipeline's agents for this message and these options, each with the
 * prompt, model and sampling settings it is called with. Computed from the run's record (and the
 * configuration), so a run resumed after a restart plans exactly what it announced.
 */
import type { PlannedAgent } from "../protocol/events";
import type { PipelineDefinition } from "./pipeline-definition";
import { type PlannedNode, planNodes } from "./pipeline-graph";
import { type AgentSettings, agentSettings, type ModelDefaults, type RunOptions } from "./run-options";

/** One agent of a run, ready to call. */
export interface PlannedRunAgent extends PlannedNode {
  task: string;
  /** The role prompt, with its `forEach` value and the run's answer language in place. */
  system: string;
  settings: AgentSettings;
}

const fill = (template: string, each: string | undefined) =>
  each === undefined ? template : template.replaceAll("{each}", each);

/** The agents of a run of `def` for `message` with validated `options`, in the order they can start. */
export function planRun(
  def: PipelineDefinition,
  message: string,
  options: RunOptions,
  defaults: ModelDefaults,
): PlannedRunAgent[] {
  return planNodes(def, message, options).map((node) => {
    let system = fill(node.definition.system, node.each);
    // An instance per language writes its own language; every other agent answers in the run's.
    if (options.language && node.each === undefined)
      system += ` Write your answer in the language ${options.language}.`;
    return {
      ...node,
      task: fill(node.definition.task, node.each),
      system,
      settings: agentSettings(node, options, defaults),
    };
  });
}

/** The plan as `run_start` announces it: enough for a UI to draw the pipeline and show what each agent runs on. */
export function announcePlan(plan: readonly PlannedRunAgent[]): PlannedAgent[] {
  return plan.map(({ name, task, uses, required, settings }) => ({
    name,
    task,
    uses,
    required,
    model: settings.model,
    ...(settings.temperature === undefined ? {} : { temperature: settings.temperature }),
  }));
}
