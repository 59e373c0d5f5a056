/**
 * The words and tones the page uses for agents and states, in one place: an agent's display name,
 * what its panel says it is doing (including the states only the page has: planned and not yet
 * started, never run, stopped by the run's end), and which tone (colour) each state is drawn in.
 * A state is always written out; the tone only helps. Also the sentences for people in the loop:
 * a pause, an answer and who gave it, a message and who sent it, the run going on, and why a
 * control is greyed out for the page's role.
 */
import type { AgentStatus, AgentView } from "@edge-stream/client";
import type { InputPayload, UserMessagePayload } from "../protocol/interaction-events";
import { type Action, MIN_ROLE, type Role } from "../protocol/roles";

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

/** A paused run: which agent's output waits for a review, and which attempt it is. */
export function pauseText(agent: string, attempt: number): string {
  return `Paused: ${agent}${attempt > 1 ? ` (attempt ${attempt})` : ""} waits for a review`;
}

/** An answer to a review, with who gave it: "strategy_generator: approved by alice". */
export function answerText(agent: string, input: Pick<InputPayload, "action" | "actor" | "feedback">): string {
  const how =
    input.action === "revise"
      ? `revision asked ("${input.feedback ?? ""}")`
      : input.action === "edit"
        ? "edited (its output replaced)"
        : "approved";
  return `${agent}: ${how} by ${input.actor}`;
}

/** A steering message, with who sent it. */
export function messageText(message: UserMessagePayload): string {
  return `${message.actor} told the run: "${message.text}"`;
}

/** The run after an answer: the next agent starting (or the reviewed one again, after a revision). */
export function goesOnText(agent: string, attempt: number): string {
  return attempt > 1 ? `The run goes on: ${agent} runs again (attempt ${attempt})` : `The run goes on: ${agent} starts`;
}

/** The run's end, after people took part in it. */
export function endedText(status: string): string {
  return `The run ended: ${status}`;
}

/** Why a control is greyed out: what `action` needs (MIN_ROLE) and what the page's role is. */
export function refusedText(role: Role, action: Action, what: string): string {
  const you = role === "owner" ? "the owner" : `a ${role}`;
  return `${what} needs the ${MIN_ROLE[action]} role; you are ${you}, so you see the run but cannot change it.`;
}
