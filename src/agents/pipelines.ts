/**
 * Which pipeline runs for a mode: the one place that names them, so the session runs any
 * pipeline without knowing which.
 */
import { MODES, type Mode } from "../protocol/events";
import { runLoomi } from "./loomi-concierge";
import { runNova3 } from "./nova3-pipeline";
import type { Pipeline } from "./run-context";

const PIPELINES: Record<Mode, Pipeline> = {
  [MODES.NOVA3]: runNova3,
  [MODES.LOOMI]: runLoomi,
};

/** The pipeline that runs a run of `mode`. */
export function pipelineFor(mode: Mode): Pipeline {
  return PIPELINES[mode];
}
