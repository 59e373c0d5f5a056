/**
 * How far a run has got, for the progress bar and its caption: from the agents the run planned
 * (`run_start`) and how far each has got, and from the server's `progress` events, whichever is
 * further. A Loomi turn sends its one `progress` event at the very end, so without counting its
 * agents the bar would sit at 0% for the whole turn.
 */
import type { AgentView, RunView } from "@edge-stream/client";
import { agentLabel } from "./labels";

/** Share of its step an agent counts for once it has started and until it ends. */
export const STARTED_AGENT_SHARE = 0.5;

export interface RunProgress {
  /** 0-100, whole numbers. */
  percent: number;
  caption: string;
}

type ViewPart = Pick<RunView, "status" | "progress"> & { agents: Readonly<Record<string, Pick<AgentView, "status">>> };

const ENDED = new Set(["completed", "failed", "skipped"]);
const WORKING = new Set(["running", "retrying", "pending"]);

function names(list: string[]): string {
  const labels = list.map(agentLabel);
  return labels.length <= 1 ? labels.join("") : `${labels.slice(0, -1).join(", ")} and ${labels.at(-1)}`;
}

/** Progress of `view`, whose run planned the agents `plan` (in order; empty before `run_start`). */
export function runProgress(view: ViewPart, plan: readonly string[]): RunProgress {
  const all = [...plan, ...Object.keys(view.agents).filter((name) => !plan.includes(name))];
  const status = (name: string) => view.agents[name]?.status ?? "planned";
  const ended = all.filter((name) => ENDED.has(status(name)));
  const working = all.filter((name) => WORKING.has(status(name)));
  const done = all.filter((name) => status(name) === "completed");
  const failed = all.filter((name) => status(name) === "failed");
  const byAgents = all.length ? ((ended.length + STARTED_AGENT_SHARE * working.length) / all.length) * 100 : 0;
  const bySteps = view.progress?.percent ?? 0;
  const finished = view.status === "completed" || view.status === "partial";
  // A run that stopped shows what it got done, the same count its caption gives.
  const stopped = view.status === "failed" || view.status === "cancelled";
  const percent = finished
    ? 100
    : stopped
      ? Math.round((done.length / Math.max(1, all.length)) * 100)
      : Math.min(100, Math.round(Math.max(byAgents, bySteps)));
  const of = `${done.length} of ${all.length} agent${all.length === 1 ? "" : "s"}`;
  switch (view.status) {
    case "starting":
      return { percent, caption: "Starting…" };
    case "completed":
      return { percent, caption: all.length === 1 ? "Done" : `All ${all.length} agents done` };
    case "partial":
      return {
        percent,
        caption: `${of} done; ${names(failed)} failed, the run went on without ${failed.length > 1 ? "them" : "it"}`,
      };
    case "failed":
      return { percent, caption: `Stopped after ${of}${failed.length ? `: ${names(failed)} failed` : ""}` };
    case "cancelled":
      return { percent, caption: `Cancelled after ${of}` };
    default: {
      const retrying = working.filter((name) => status(name) === "retrying");
      const busy = working.filter((name) => status(name) !== "retrying");
      const parts = [`${of} done`];
      if (busy.length) parts.push(`${names(busy)} working`);
      if (retrying.length) parts.push(`${names(retrying)} retrying`);
      return { percent, caption: parts.join(" · ") };
    }
  }
}
