/**
 * The pure parts of review checkpoints and steering: which agent holds a run, what an agent reads
 * besides its prompt, how answers change a paused run's record, the scheduler holding new starts,
 * text reconstruction across a revision and an edit, and a pending revision across a restart. (The
 * alarm's decisions while a run waits: test/integration/review-alarm.test.ts.)
 */
import { describe, expect, it } from "vitest";
import { scheduleGraph } from "../../src/agents/graph-scheduler";
import { interactionMessages, pendingReview, REVISE_WITH, USER_ADDED } from "../../src/agents/review-gate";
import { newRunRecord, type RunRecord } from "../../src/agents/run-record";
import type { StreamEvent } from "../../src/protocol/events";
import { reconstructTexts } from "../../src/protocol/reconstruct";
import { addMessage, applyAnswer, MAX_RUN_MESSAGES } from "../../src/session/review-answers";
import { planRecovery } from "../../src/session/run-recovery";

const plan = ["a", "b", "c"].map((name) => ({ name, definition: { name } }));

function pausedRecord(): RunRecord {
  const run = newRunRecord({ mode: "nova3", message: "m", options: { review: ["a"] } }, 1, 0);
  run.agents.a = {
    status: "completed",
    text: "first answer",
    model: "m",
    usage: { prompt_tokens: 3, completion_tokens: 4 },
  };
  run.status = "awaiting_input";
  run.wait = { agent: "a", attempt: 1, event_id: 9, expires_at: "2030-01-01T00:00:00.000Z" };
  return run;
}

describe("review gate", () => {
  it("holds the run for the first listed, completed, unanswered agent", () => {
    const run = pausedRecord();
    expect(pendingReview(run, plan)).toBe("a");
    run.reviewed = ["a"];
    expect(pendingReview(run, plan)).toBeUndefined();
    expect(pendingReview({ ...run, options: {}, reviewed: [] }, plan)).toBeUndefined();
  });

  it("gives an agent the messages so far, then a revision's earlier answer and feedback last", () => {
    const run = pausedRecord();
    run.messages = ["one", "two"];
    run.agents.a = { ...run.agents.a, revision: { previous: "first answer", feedback: "shorter" } };
    expect(interactionMessages(run, "a")).toEqual([
      { role: "user", content: `${USER_ADDED}one` },
      { role: "user", content: `${USER_ADDED}two` },
      { role: "assistant", content: "first answer" },
      { role: "user", content: `${REVISE_WITH}shorter` },
    ]);
    expect(interactionMessages(run, "b")).toHaveLength(2);
  });

  it("starts nothing while held, and resolves once the running tasks settle", async () => {
    const started: string[] = [];
    let hold = false;
    const nodes = ["a", "b", "c"].map((name, i) => ({ name, uses: i === 0 ? [] : ["a"], required: true }));
    const results = await scheduleGraph(
      nodes,
      async (node) => {
        started.push(node.name);
        if (node.name === "a") hold = true;
      },
      () => hold,
    );
    expect(started).toEqual(["a"]);
    expect(results.map((r) => r.node.name)).toEqual(["a"]);
  });
});

describe("review answers", () => {
  it("approve marks the agent reviewed and the run running, and logs the actor and the wait", () => {
    const run = pausedRecord();
    expect(applyAnswer(run, { action: "approve" }, "u1")).toEqual({
      event_type: "input",
      agent_source: "a",
      payload: { action: "approve", actor: "u1", wait_id: 9 },
    });
    expect(run).toMatchObject({ status: "running", wait: undefined, reviewed: ["a"] });
    expect(applyAnswer(run, { action: "approve" }, "u1")).toMatchObject({ ok: false, code: "not_waiting" });
  });

  it("revise queues the next attempt with the answer to revise, its tokens counted as retried", () => {
    const run = pausedRecord();
    applyAnswer(run, { action: "revise", feedback: "shorter" }, "u1");
    expect(run.agents.a).toEqual({
      status: "pending",
      text: "",
      model: "m",
      attempt: 2,
      retried: { prompt_tokens: 3, completion_tokens: 4 },
      revision: { previous: "first answer", feedback: "shorter" },
    });
    expect(run.reviewed).toBeUndefined();
  });

  it("edit replaces the text; an answer naming another wait changes nothing", () => {
    const run = pausedRecord();
    expect(applyAnswer(run, { action: "edit", text: "mine", wait_id: 8 }, "u1")).toMatchObject({ ok: false });
    expect(run.status).toBe("awaiting_input");
    applyAnswer(run, { action: "edit", text: "mine", wait_id: 9 }, "u1");
    expect(run.agents.a.text).toBe("mine");
  });

  it("takes at most MAX_RUN_MESSAGES messages a run", () => {
    const run = pausedRecord();
    run.messages = Array.from({ length: MAX_RUN_MESSAGES - 1 }, () => "x");
    expect(addMessage(run, "last", "u1")).toMatchObject({ event_type: "user_message", payload: { actor: "u1" } });
    expect(addMessage(run, "over", "u1")).toMatchObject({ ok: false, code: "too_many_messages" });
    expect(run.messages).toHaveLength(MAX_RUN_MESSAGES);
  });
});

const ev = (e: Omit<StreamEvent, "id" | "run_id" | "timestamp">, id: number) =>
  ({ ...e, id, run_id: "r", timestamp: "t" }) as StreamEvent;
const start = (attempt?: number) =>
  ({
    event_type: "agent_start",
    agent_source: "a",
    payload: { status: "started", task_description: "t", model: "m", ...(attempt ? { attempt } : {}) },
  }) as const;
const chunk = (content: string) =>
  ({
    event_type: "llm_chunk",
    agent_source: "a",
    payload: { content, content_type: "text", is_complete: false },
  }) as const;

describe("across a revision and an edit", () => {
  it("a revision's text replaces the earlier one; an edit replaces the text", () => {
    const events = [start(), chunk("old"), start(2), chunk("new")].map(ev);
    expect(reconstructTexts(events).a).toBe("new");
    const edit = ev(
      { event_type: "input", agent_source: "a", payload: { action: "edit", actor: "u", wait_id: 1, text: "E" } },
      9,
    );
    expect(reconstructTexts([...events, edit]).a).toBe("E");
  });

  it("a revision not yet announced in the log is not interrupted by a restart: it stays pending", () => {
    const run = pausedRecord();
    applyAnswer(run, { action: "revise", feedback: "f" }, "u");
    expect(planRecovery(run, [start(), chunk("first answer")].map(ev)).interrupted).toEqual([]);
    const announced = planRecovery(run, [start(), chunk("first answer"), start(2), chunk("ne")].map(ev));
    expect(announced.interrupted).toEqual([{ agent: "a", discarded: 2, failedAttempts: 0 }]);
  });
});
