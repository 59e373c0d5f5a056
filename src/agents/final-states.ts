/**
 * What a run's agents are when the run has ended. An agent that had not finished when the run
 * ended did not finish at all: `cancelled` when the user cancelled the run, `failed` when the run
 * ended any other way (it can only have been stopped by the run's own failure). Agents that
 * finished keep their status. Pure: the run controller applies it before `run_complete` and the
 * final checkpoint, so the event and the snapshot say the same.
 */
import { type AgentSummary, RUN_STATUSES, type RunStatus } from "../protocol/events";
import type { AgentState } from "./run-record";

/** Statuses that say an agent is done: they are kept when the run ends. */
const FINISHED: ReadonlySet<AgentSummary["status"]> = new Set(["completed", "failed", "skipped", "cancelled"]);

/** The agents of a run that ended with `runStatus`, none of them left `pending` or `running`. */
export function finalAgentStates(
  agents: Readonly<Record<string, AgentState>>,
  runStatus: RunStatus,
): Record<string, AgentState> {
  const stopped = runStatus === RUN_STATUSES.CANCELLED ? "cancelled" : "failed";
  const out: Record<string, AgentState> = {};
  for (const [name, state] of Object.entries(agents)) {
    out[name] = FINISHED.has(state.status) ? state : { ...state, status: stopped };
  }
  return out;
}
