/**
 * A run cancelled mid-way says what became of each agent: the agents it stopped are `cancelled`
 * in `run_complete` and in the snapshot, never still `running`; the ones that finished stay
 * `completed`, and agents that never started are not listed.
 */
import { describe, expect, it } from "vitest";
import { EVENT_TYPES, RUN_STATUSES, type StreamEvent } from "../../src/protocol/events";
import { api, startDetached, waitIdle } from "../helpers/api";
import { fake, scenarioId, waitForRequests } from "../helpers/fake-control";
import { readUntil, readWholeRun } from "../helpers/run-events";

interface SnapshotRun {
  run_id: string;
  status: string;
  agents: Record<string, { status: string; text: string }>;
}

describe("a cancelled run's agents", () => {
  it("are cancelled in run_complete and in the snapshot, not running", async () => {
    const s = scenarioId("cancel-states");
    // The two parallel agents: the insight agent finishes, the profile agent is still streaming.
    const started = await startDetached("novachat", {
      message: `Cancel mid-way ${fake(s, { agent: "profile_agent", tokens: 400, delay: 25 })}`,
    });
    await readUntil(
      started.session_id,
      (e) => e.event_type === EVENT_TYPES.AGENT_COMPLETE && e.agent_source === "insight_agent",
    );
    await waitForRequests(s, (records) => (records.find((r) => r.agent === "profile agent")?.chunks_sent ?? 0) >= 3);
    expect((await api(`/sessions/${started.session_id}/cancel`, { method: "POST" })).status).toBe(202);

    const events = await readWholeRun(started.session_id);
    const complete = events[events.length - 1] as StreamEvent<"run_complete">;
    expect(complete.payload.status).toBe(RUN_STATUSES.CANCELLED);
    const statuses = (agents: Record<string, { status: string }>) =>
      Object.fromEntries(Object.entries(agents).map(([name, agent]) => [name, agent.status]));
    const expected = {
      requirement_analyzer: "completed",
      strategy_generator: "completed",
      insight_agent: "completed",
      profile_agent: "cancelled",
    };
    expect(statuses(complete.payload.agents)).toEqual(expected);
    // What the profile agent streamed before the cancel is still counted.
    expect(complete.payload.agents.profile_agent.chars).toBeGreaterThan(0);

    const snapshot = (await waitIdle(started.session_id)) as { runs: SnapshotRun[] };
    const run = snapshot.runs.find((r) => r.run_id === started.run_id);
    expect(run?.status).toBe(RUN_STATUSES.CANCELLED);
    expect(statuses(run?.agents ?? {})).toEqual(expected);
  });
});
