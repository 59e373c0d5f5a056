import { describe, expect, it } from "vitest";
import { finalAgentStates } from "../../src/agents/final-states";
import type { AgentState } from "../../src/agents/run-record";
import { RUN_STATUSES } from "../../src/protocol/events";

const agents: Record<string, AgentState> = {
  requirement_analyzer: { status: "completed", text: "abc", model: "m" },
  insight_agent: { status: "failed", text: "", model: "m" },
  strategy_generator: { status: "running", text: "half", model: "m" },
  queued: { status: "pending", text: "" },
};

describe("finalAgentStates", () => {
  it("marks the agents a cancel stopped as cancelled, keeping their text and model", () => {
    const final = finalAgentStates(agents, RUN_STATUSES.CANCELLED);
    expect(final).toEqual({
      requirement_analyzer: agents.requirement_analyzer,
      insight_agent: agents.insight_agent,
      strategy_generator: { status: "cancelled", text: "half", model: "m" },
      queued: { status: "cancelled", text: "" },
    });
  });

  it("marks agents left unfinished by a run that ended any other way as failed", () => {
    for (const status of [RUN_STATUSES.FAILED, RUN_STATUSES.PARTIAL, RUN_STATUSES.COMPLETED]) {
      const final = finalAgentStates(agents, status);
      expect(final.strategy_generator.status).toBe("failed");
      expect(final.queued.status).toBe("failed");
      expect(final.requirement_analyzer.status).toBe("completed");
    }
  });

  it("leaves no agent pending or running, and does not change its input", () => {
    const final = finalAgentStates(agents, RUN_STATUSES.CANCELLED);
    expect(Object.values(final).map((a) => a.status)).not.toContain("running");
    expect(agents.strategy_generator.status).toBe("running");
  });
});
