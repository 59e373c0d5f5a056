/**
 * What the demo page says about people in the loop, as pure functions: the "People in the loop"
 * list built from a run's events (src/demo/interaction-lines.ts), its sentences (labels.ts), and
 * whether a role's controls work, from the same table the service checks (protocol/roles.ts).
 */
import { describe, expect, it } from "vitest";
import { feedReader } from "../../src/demo/interaction-lines";
import { answerText, refusedText } from "../../src/demo/labels";
import type { PayloadMap, StreamEvent } from "../../src/protocol/events";
import { ACTIONS, type Action, ROLES, type Role, roleAllows } from "../../src/protocol/roles";
import { authorize } from "../../src/session/access";

type Step = [keyof PayloadMap, string, Partial<PayloadMap[keyof PayloadMap]>?];

/** A run's events from [event type, agent, payload] steps, numbered from 1. */
function events(steps: Step[]): StreamEvent[] {
  return steps.map(
    ([type, agent, payload], i) =>
      ({
        id: i + 1,
        run_id: "r",
        event_type: type,
        agent_source: agent,
        timestamp: "2026-12-01T10:00:00.000Z",
        payload: payload ?? {},
      }) as StreamEvent,
  );
}

const wait = (attempt: number) => ({ awaiting: "review" as const, attempt, actions: [], expires_at: "" });

describe("the People in the loop list", () => {
  it("lists the pause, the message, the answers with their actors, the run going on and its end", () => {
    const read = feedReader();
    const lines = events([
      ["run_start", "supervisor", { mode: "nova3", model: "demo", agents: [] }],
      ["agent_start", "strategy_generator"],
      ["agent_complete", "strategy_generator"],
      ["awaiting_input", "strategy_generator", wait(1)],
      ["user_message", "supervisor", { text: "Mention the discount", actor: "bo" }],
      ["input", "strategy_generator", { action: "revise", actor: "bo", wait_id: 4, feedback: "Shorter" }],
      ["agent_start", "strategy_generator", { attempt: 2 }],
      ["awaiting_input", "strategy_generator", wait(2)],
      ["input", "strategy_generator", { action: "approve", actor: "al", wait_id: 8 }],
      ["agent_start", "insight_agent"],
      ["agent_start", "profile_agent"],
      ["run_complete", "supervisor", { status: "completed" }],
    ])
      .map(read)
      .filter((entry) => entry !== undefined);
    expect(lines).toEqual([
      { kind: "pause", text: "Paused: strategy_generator waits for a review" },
      { kind: "message", text: 'bo told the run: "Mention the discount"', actor: "bo" },
      { kind: "answer", text: 'strategy_generator: revision asked ("Shorter") by bo', actor: "bo" },
      { kind: "goes_on", text: "The run goes on: strategy_generator runs again (attempt 2)" },
      { kind: "pause", text: "Paused: strategy_generator (attempt 2) waits for a review" },
      { kind: "answer", text: "strategy_generator: approved by al", actor: "al" },
      { kind: "goes_on", text: "The run goes on: insight_agent starts" },
      { kind: "ended", text: "The run ended: completed" },
    ]);
  });

  it("stays empty for a run nobody took part in", () => {
    const read = feedReader();
    const run = events([
      ["run_start", "supervisor", { mode: "nova3", model: "demo", agents: [] }],
      ["agent_start", "requirement_analyzer"],
      ["run_complete", "supervisor", { status: "completed" }],
    ]);
    expect(run.map(read).filter(Boolean)).toEqual([]);
  });

  it("says an edit replaced the output", () => {
    expect(answerText("content_agent", { action: "edit", actor: "al" })).toBe(
      "content_agent: edited (its output replaced) by al",
    );
  });
});

describe("controls by role", () => {
  const roles: Role[] = Object.values(ROLES);
  const actions: Action[] = [ACTIONS.ANSWER_REVIEW, ACTIONS.STEER];

  it("works exactly where the service allows it (the one table)", () => {
    for (const role of roles)
      for (const action of actions) expect(roleAllows(role, action)).toBe(authorize(role, action) === undefined);
    expect(roles.filter((role) => roleAllows(role, ACTIONS.ANSWER_REVIEW))).toEqual(["editor", "owner"]);
  });

  it("says why a viewer's controls are greyed out", () => {
    expect(refusedText("viewer", ACTIONS.ANSWER_REVIEW, "Answering")).toBe(
      "Answering needs the editor role; you are a viewer, so you see the run but cannot change it.",
    );
  });
});
