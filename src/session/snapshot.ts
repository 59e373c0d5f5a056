/**
 * The JSON snapshot of a session (`GET /sessions/:id`): status, current run, newest event id, every
 * run with its per-agent text (the live record for the active run), and instance facts.
 */
import type { RunRecord } from "../agents/run-record";
import { runUsage } from "../agents/token-usage";
import type { RunUsage } from "../protocol/events";
import type { Role } from "../protocol/roles";
import type { Watcher } from "../protocol/ws";
import type { Stores } from "./session-types";

export interface Snapshot {
  session_id: string | undefined;
  /** `awaiting_input`: the run is paused for a review (docs/interaction.md). */
  status: "idle" | "running" | "awaiting_input";
  active_run_id: string | null;
  last_event_id: number;
  /** Open SSE readers and WebSockets of this session. */
  readers: number;
  sockets: number;
  /** When this instance of the object started: a restart (eviction, hibernation) shows as a new time. */
  instance_started_at: string;
  /** The caller's role in the session. */
  role: Role;
  /** Who is watching now (presence.ts): not logged, so not part of any replay. */
  watching: Watcher[];
  created_at: string | undefined;
  updated_at: string | undefined;
  /** Each run with its agents (their token counts among their state) and its token totals. */
  runs: (Pick<
    RunRecord,
    | "run_id"
    | "mode"
    | "status"
    | "started_at"
    | "finished_at"
    | "first_event_id"
    | "end_event_id"
    | "content"
    | "agents"
    | "wait"
  > & { usage: RunUsage })[];
}

export function buildSnapshot(
  { store, log }: Pick<Stores, "store" | "log">,
  active: RunRecord | undefined,
  instance: { readers: number; sockets: number; instanceStartedAt: string },
  people: { role: Role; watching: Watcher[] },
): Snapshot {
  const runs = store.listRuns().map((run) => (run.run_id === active?.run_id ? active : run));
  return {
    session_id: store.getMeta("session_id"),
    status: !active ? "idle" : active.status === "awaiting_input" ? "awaiting_input" : "running",
    active_run_id: active?.run_id ?? null,
    last_event_id: log.head,
    readers: instance.readers,
    sockets: instance.sockets,
    instance_started_at: instance.instanceStartedAt,
    role: people.role,
    watching: people.watching,
    created_at: store.getMeta("created_at"),
    updated_at: store.getMeta("updated_at"),
    runs: runs.map((run) => ({
      run_id: run.run_id,
      mode: run.mode,
      status: run.status,
      started_at: run.started_at,
      finished_at: run.finished_at,
      first_event_id: run.first_event_id,
      end_event_id: run.end_event_id,
      content: run.content,
      agents: run.agents,
      usage: runUsage(run.agents),
      ...(run.wait ? { wait: run.wait } : {}),
    })),
  };
}
