/**
 * The connection log's last line for a run, and its kind (colour): how the run ended, in words,
 * why when it did not complete, and what the client verified. A failed run is never written as
 * a success, even though its events were all delivered and verified. Pure.
 */
import type { RunView } from "@edge-stream/client";
import { describeRunError, errorSentence } from "./error-text";
import { agentLabel } from "./labels";

export type LogKind = "info" | "warn" | "error" | "ok";

export interface RunCounts {
  /** Events delivered to the page. */
  delivered: number;
  /** Characters of the agents' final texts that were checked. */
  chars: number;
}

const plural = (n: number, word: string) => `${n.toLocaleString("en")} ${word}${n === 1 ? "" : "s"}`;

/** Why the run did not complete: the failed agents and what happened to each, or the run's own error. */
export function failureReason(view: Pick<RunView, "agents" | "errors">): string {
  const failed = Object.values(view.agents).filter((agent) => agent.status === "failed");
  const reasons = failed.map((agent) => {
    const last = agent.errors.at(-1);
    return `${agentLabel(agent.name)} failed${last ? ` (${errorSentence(last.error_type).replace(/\.$/, "")})` : ""}`;
  });
  if (reasons.length) return `${reasons.join("; ")}.`;
  const runError = view.errors.at(-1);
  return runError ? describeRunError(runError) : "";
}

/** The line and its kind: completed is ok, partial and cancelled warn, failed an error. */
export function runSummary(
  view: Pick<RunView, "status" | "agents" | "errors">,
  counts: RunCounts,
): { text: string; kind: LogKind } {
  const agents = Object.keys(view.agents).length;
  const verified = `${plural(counts.delivered, "event")} delivered once each, ${plural(agents, "agent")}, ${plural(counts.chars, "character")} verified against the server.`;
  switch (view.status) {
    case "completed":
      return { text: `Run completed: ${verified}`, kind: "ok" };
    case "partial":
      return { text: `Run partial: ${failureReason(view)} The other agents completed. ${verified}`, kind: "warn" };
    case "failed":
      return { text: `Run failed: ${failureReason(view)} ${verified}`, kind: "error" };
    case "cancelled":
      return { text: `Run cancelled. ${verified}`, kind: "warn" };
    default:
      return { text: `Run ${view.status}. ${verified}`, kind: "info" };
  }
}
