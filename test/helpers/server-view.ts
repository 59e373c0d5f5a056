/**
 * The server's own account of a session, read from Node independently of the page: the stored
 * event log replayed over SSE and reconstructed per run, to compare with what the page shows.
 */
import { EVENT_TYPES, type StreamEvent } from "../../src/protocol/events";
import { type AgentTexts, reconstructTexts } from "../../src/protocol/reconstruct";
import { byRun, idsOf } from "./event-lists";
import { readSse } from "./sse";

export interface ServerRun {
  runId: string;
  events: StreamEvent[];
  texts: AgentTexts;
  status: string;
  content: string;
}

/** Every run of the session, in order, rebuilt from the server's log. */
export async function readSession(baseUrl: string, sessionId: string, token?: string): Promise<ServerRun[]> {
  const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
  const response = await fetch(`${baseUrl}/sessions/${sessionId}/events?last_event_id=0`, { headers });
  if (response.status !== 200) throw new Error(`events of ${sessionId}: HTTP ${response.status}`);
  const { events } = await readSse(response);
  const ids = idsOf(events);
  if (ids.some((id, i) => id !== i + 1)) throw new Error(`session ${sessionId}: ids not consecutive from 1`);
  return [...byRun(events)].map(([runId, runEvents]) => {
    const last = runEvents[runEvents.length - 1];
    const done = last.event_type === EVENT_TYPES.RUN_COMPLETE ? last.payload : undefined;
    return {
      runId,
      events: runEvents,
      texts: reconstructTexts(runEvents),
      status: done?.status ?? "running",
      content: done?.content ?? "",
    };
  });
}
