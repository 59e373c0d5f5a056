/**
 * Which pipeline runs for a mode: the one place that names them, so the session runs any
 * pipeline without knowing which.
 */
import { MODES, type Mode, type PlannedAgent } from "../protocol/events";
import { planLoomi, runLoomi } from "./loomi-concierge";
import { planNova3, runNova3 } from "./nova3-pipeline";
import type { Pipeline } from "./run-context";

const PIPELINES: Record<Mode, { run: Pipeline; plan(message: string): PlannedAgent[] }> = {
  [MODES.NOVA3]: { run: runNova3, plan: planNova3 },
  [MODES.LOOMI]: { run: runLoomi, plan: planLoomi },
};

/** The pipeline that runs a run of `mode`. */
export function pipelineFor(mode: Mode): Pipeline {
  return PIPELINES[mode].run;
}

/** The agents a run of `mode` for `message` plans to run (its `run_start` announces them). */
export function planFor(mode: Mode, message: string): PlannedAgent[] {
  return PIPELINES[mode].plan(message);
}
