/**
 * The words and tones the page uses for agents and states, in one place: an agent's display name,
 * what its panel says it is doing (including the states only the page has: planned and not yet
 * started, never run, stopped by the run's end), and which tone (colour) each state is drawn in.
 * A state is always written out; the tone only helps.
 */
import type { AgentStatus, AgentView } from "@edge-stream/client";

/** A colour family of the stylesheet (`data-tone`): failed must never look like done. */
export type Tone = "idle" | "running" | "ok" | "warn" | "bad";

/**
 * What an agent panel shows: the client's agent status, or `planned` (in the plan, not started),
 * `not_run` (the run ended before it started), `stopped` (it was working when the run ended).
 */
export type PanelStatus = AgentStatus | "planned" | "not_run" | "stopped";

/** "requirement_analyzer" -> "Requirement analyzer". */
export function agentLabel(name: string): string {
  const words = name.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** What a planned agent's panel shows, given what the client knows of it and whether the run has ended. */
export function panelStatus(agent: Pick<AgentView, "status"> | undefined, runEnded: boolean): PanelStatus {
  if (!agent) return runEnded ? "not_run" : "planned";
  const working = agent.status === "running" || agent.status === "retrying" || agent.status === "pending";
  return runEnded && working ? "stopped" : agent.status;
}

/** The badge word of a panel status. */
export function panelBadge(status: PanelStatus): string {
  if (status === "planned") return "waiting";
  if (status === "not_run") return "not run";
  return status;
}

/** The tone of any state the page shows: a run's, an agent's, or a panel's. */
export function toneOf(state: string): Tone {
  switch (state) {
    case "starting":
    case "running":
      return "running";
    case "completed":
      return "ok";
    case "partial":
    case "cancelled":
    case "timed_out":
    case "awaiting_input":
    case "retrying":
    case "stopped":
      return "warn";
    case "failed":
      return "bad";
    default:
      return "idle";
  }
}
