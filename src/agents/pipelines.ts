/**
 * The registry: every pipeline the service runs, one line each. Checked when the Worker loads
 * (a bad definition throws here, before anything is served). The session and HTTP code reach
 * pipelines only through this module, by name. How to add one: docs/pipelines.md.
 */
import type { PlannedAgent } from "../protocol/events";
import { LOCALIZE } from "./localize-pipeline";
import { LOOMI } from "./loomi-concierge";
import { NOVA3 } from "./nova3-pipeline";
import type { PipelineDefinition } from "./pipeline-definition";
import { checkPipeline, PipelineDefinitionError } from "./pipeline-graph";
import { runPipeline } from "./pipeline-runner";
import type { Pipeline } from "./run-context";
import type { ModelDefaults, RunOptions } from "./run-options";
import { announcePlan, planRun } from "./run-plan";

/** Every registered pipeline, in the order `GET /pipelines` lists them. */
const DEFINITIONS: readonly PipelineDefinition[] = [NOVA3, LOOMI, LOCALIZE];

/** The seed's route names for two of them: `POST /novachat` runs `nova3`, `POST /loomichat` runs `loomi`. */
export const ROUTE_ALIASES: Readonly<Record<string, string>> = { novachat: "nova3", loomichat: "loomi" };

/** Checks each definition and that names are unique; returns them by name. Throws PipelineDefinitionError. */
export function buildRegistry(definitions: readonly PipelineDefinition[]): ReadonlyMap<string, PipelineDefinition> {
  const byName = new Map<string, PipelineDefinition>();
  for (const def of definitions) {
    checkPipeline(def);
    if (byName.has(def.name)) throw new PipelineDefinitionError(def.name, "registered twice");
    byName.set(def.name, def);
  }
  return byName;
}

const REGISTRY = buildRegistry(DEFINITIONS);
for (const [route, name] of Object.entries(ROUTE_ALIASES)) {
  if (!REGISTRY.has(name)) throw new PipelineDefinitionError(name, `route alias ${route} names no registered pipeline`);
}

/** The pipeline named `name`, if registered. */
export function findPipeline(name: string): PipelineDefinition | undefined {
  return REGISTRY.get(name);
}

/** Every registered pipeline. */
export function listPipelines(): PipelineDefinition[] {
  return [...REGISTRY.values()];
}

function mustFind(name: string): PipelineDefinition {
  const def = REGISTRY.get(name);
  if (!def) throw new Error(`no pipeline named ${JSON.stringify(name)}`);
  return def;
}

/** The body of a run of pipeline `name`. */
export function pipelineFor(name: string): Pipeline {
  const def = mustFind(name);
  return (ctx) => runPipeline(ctx, def);
}

/** The agents a run plans to run (its `run_start` announces them), with the model and temperature each uses. */
export function planFor(name: string, message: string, options: RunOptions, models: ModelDefaults): PlannedAgent[] {
  return announcePlan(planRun(mustFind(name), message, options, models));
}

/** Whether runs of `name` keep the conversation (each turn's message and content) for the next run. */
export function isConversational(name: string): boolean {
  return REGISTRY.get(name)?.conversational === true;
}
