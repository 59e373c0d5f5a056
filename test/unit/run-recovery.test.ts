import { describe, expect, it } from "vitest";
import type { AgentState, RunRecord } from "../../src/agents/run-record";
import { type EventDraft, type StreamEvent, SUPERVISOR } from "../../src/protocol/events";
import { MAX_RUN_RESUMES, planRecovery, ResumeLimitError, recoverRun } from "../../src/session/run-recovery";

function record(agents: Record<string, AgentState>, resumes = 0): RunRecord {
  return {
    run_id: "r1",
    mode: "nova3",
    status: "running",
    message: "m",
    options: {},
    started_at: "2026-05-01T00:00:00Z",
    finished_at: null,
    first_event_id: 1,
    end_event_id: null,
    agents,
    content: "",
    resumes,
  };
}

/** Builds a run's log from drafts, with ids from 1. */
function log(drafts: EventDraft[]): StreamEvent[] {
  return drafts.map((draft, i) => ({ ...draft, id: i + 1, run_id: "r1", timestamp: "t" }) as StreamEvent);
}
const start = (agent: string): EventDraft => ({
  event_type: "agent_start",
  agent_source: agent,
  payload: { status: "started", task_description: "t", model: "m" },
});
const chunk = (agent: string, content: string): EventDraft => ({
  event_type: "llm_chunk",
  agent_source: agent,
  payload: { content, content_type: "text", is_complete: false },
});
const retryError = (agent: string, discarded: number): EventDraft => ({
  event_type: "error",
  agent_source: agent,
  payload: { error: "e", error_type: "server_error", retry_count: 0, will_retry: true, discarded_chars: discarded },
});

describe("planRecovery", () => {
  const events = log([
    { event_type: "run_start", agent_source: SUPERVISOR, payload: { mode: "nova3", model: "m", agents: [] } },
    start("a"),
    chunk("a", "done text"),
    start("b"),
    start("c"),
    chunk("b", "first try"),
    retryError("b", 9),
    chunk("b", "second"),
    chunk("c", "cc"),
  ]);

  it("interrupts the agents that started and did not finish, discarding exactly their logged text", () => {
    const run = record({
      a: { status: "completed", text: "done text", model: "m" },
      b: { status: "running", text: "", model: "m" },
    });
    // c started after the last checkpoint: the log alone knows it.
    expect(planRecovery(run, events)).toEqual({
      interrupted: [
        { agent: "b", discarded: "second".length, failedAttempts: 1 },
        { agent: "c", discarded: 2, failedAttempts: 0 },
      ],
      giveUp: false,
    });
  });

  it("leaves agents finished or failed in the checkpoint alone", () => {
    const run = record({
      a: { status: "completed", text: "done text" },
      b: { status: "failed", text: "" },
      c: { status: "completed", text: "cc" },
    });
    expect(planRecovery(run, events).interrupted).toEqual([]);
  });

  it(`gives up on the resume after the ${MAX_RUN_RESUMES}th`, () => {
    expect(planRecovery(record({}, MAX_RUN_RESUMES - 1), events).giveUp).toBe(false);
    expect(planRecovery(record({}, MAX_RUN_RESUMES), events).giveUp).toBe(true);
  });
});

describe("recoverRun", () => {
  const events = log([start("a"), chunk("a", "abc")]);

  it("reports each interrupted agent, marks it to restart, counts the resume and commits once", () => {
    const run = record({ a: { status: "running", text: "abc", model: "m" } });
    const emitted: EventDraft[] = [];
    let commits = 0;
    const failWith = recoverRun(run, { events: () => events, emit: (d) => emitted.push(d), commit: () => commits++ });
    expect(failWith).toBeUndefined();
    expect(emitted).toEqual([
      {
        event_type: "error",
        agent_source: "a",
        payload: expect.objectContaining({
          error_type: "interrupted",
          will_retry: true,
          discarded_chars: 3,
          retry_count: 0,
          model: "m",
        }),
      },
    ]);
    expect(run.agents.a).toEqual({ status: "running", text: "", model: "m" });
    expect(run.resumes).toBe(1);
    expect(commits).toBe(1);
  });

  it("fails the interrupted agents and returns the error the run must fail with, past the limit", () => {
    const run = record({ a: { status: "running", text: "abc" } }, MAX_RUN_RESUMES);
    const emitted: EventDraft[] = [];
    const failWith = recoverRun(run, { events: () => events, emit: (d) => emitted.push(d), commit: () => {} });
    expect(failWith).toBeInstanceOf(ResumeLimitError);
    expect(failWith?.errorType).toBe("resume_limit");
    expect(emitted[0].payload).toMatchObject({ error_type: "interrupted", will_retry: false, discarded_chars: 3 });
    expect(run.agents.a.status).toBe("failed");
    expect(run.resumes).toBe(MAX_RUN_RESUMES + 1);
  });
});
