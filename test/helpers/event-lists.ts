/** Plain functions over lists of events, for assertions: their ids, runs of ids, grouping by run. */
import { EVENT_TYPES, type StreamEvent } from "../../src/protocol/events";

/** The ids of `events`, in order. */
export function idsOf(events: readonly { id: number }[]): number[] {
  return events.map((e) => e.id);
}

/** `from`, `from + 1`, ... `to` (empty when `to < from`). */
export function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}

/** The events of each run, by run id, runs in order of their first event. */
export function byRun(events: readonly StreamEvent[]): Map<string, StreamEvent[]> {
  const runs = new Map<string, StreamEvent[]>();
  for (const event of events) runs.set(event.run_id, [...(runs.get(event.run_id) ?? []), event]);
  return runs;
}

/** Whether `event` is the `run_complete` of run `runId` (curried, for `some` and `find`). */
export const isRunComplete =
  (runId: string) =>
  (event: { event_type: string; run_id: string }): boolean =>
    event.event_type === EVENT_TYPES.RUN_COMPLETE && event.run_id === runId;
