/** The client's pure parts: sequencer, wire parsing, backoff, run view and integrity check. */
import { describe, expect, it } from "vitest";
import { backoffDelay, DEFAULT_BACKOFF } from "../../packages/client/src/backoff";
import { IntegrityChecker } from "../../packages/client/src/integrity";
import { RunViewBuilder } from "../../packages/client/src/run-view";
import { EventSequencer } from "../../packages/client/src/sequencer";
import { parseEventData } from "../../packages/client/src/wire";
import type { StreamEvent } from "../../src/protocol/events";
import { reconstructTexts } from "../../src/protocol/reconstruct";
import { seeded } from "../helpers/client-harness";
import { idsOf } from "../helpers/event-lists";
import { recording, withFailedAttempt } from "../helpers/recorded";

const nova = recording("nova3-run");
const loomi2 = recording("loomi-turn2");

/** Feeds events through a sequencer and returns the ids delivered. */
function deliver(seq: EventSequencer, events: StreamEvent[]): number[] {
  return idsOf(events.flatMap((e) => seq.accept(e)));
}

describe("EventSequencer", () => {
  it("delivers each id once, in order, whatever the arrival order and duplication", () => {
    const ids = idsOf(nova);
    for (let seed = 1; seed <= 25; seed++) {
      const random = seeded(seed);
      const arrivals = [...nova, ...nova.filter(() => random() < 0.3)];
      // Local shuffles only (each event moves a few places), as on overlapping connections.
      for (let i = arrivals.length - 1; i > 0; i--) {
        const j = Math.max(0, i - Math.floor(random() * 5));
        [arrivals[i], arrivals[j]] = [arrivals[j], arrivals[i]];
      }
      const seq = new EventSequencer(0);
      expect(deliver(seq, arrivals), `seed ${seed}`).toEqual(ids);
      expect(seq.cursor).toBe(ids[ids.length - 1]);
      expect(seq.pending).toBe(0);
    }
  });

  it("never delivers an id at or below the resume point", () => {
    const seq = new EventSequencer(50);
    expect(deliver(seq, nova)).toEqual(idsOf(nova.filter((e) => e.id > 50)));
  });

  it("fails when too many events wait behind a gap, so the caller reconnects from the cursor", () => {
    const seq = new EventSequencer(0, 3);
    deliver(seq, nova.slice(1, 4));
    expect(seq.pending).toBe(3);
    expect(() => seq.accept(nova[5])).toThrow(/event 1 is missing/);
    expect(seq.pending).toBe(0);
    expect(seq.cursor).toBe(0);
  });

  it("skipTo moves the cursor and forgets what waited before it", () => {
    const seq = new EventSequencer(0);
    deliver(seq, [nova[2], nova[6]]);
    seq.skipTo(5);
    expect(seq.pending).toBe(1);
    expect(deliver(seq, [nova[5]])).toEqual([6, 7]);
  });
});

describe("parseEventData", () => {
  it("accepts an envelope and rejects anything else as a protocol error", () => {
    expect(parseEventData(JSON.stringify(nova[0]))).toEqual(nova[0]);
    for (const bad of ["not json", "[]", '{"id":0}', JSON.stringify({ ...nova[0], id: "1" }), "null"]) {
      expect(() => parseEventData(bad)).toThrow(expect.objectContaining({ code: "protocol" }));
    }
  });
});

describe("backoff", () => {
  it("grows by the factor from the server's hint, is capped, and jitters downward only", () => {
    const options = { ...DEFAULT_BACKOFF, jitter: 0 };
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, options, 1000))).toEqual([
      1000, 2000, 4000, 8000, 15000, 15000,
    ]);
    expect(backoffDelay(1, { ...options, initialMs: 0 }, 1000)).toBe(0);
    expect(backoffDelay(2, { ...DEFAULT_BACKOFF, jitter: 0.5 }, 1000, undefined, () => 1)).toBe(1000);
    expect(backoffDelay(1, options, 1000, 5000)).toBe(5000);
  });
});

describe("RunViewBuilder", () => {
  it("rebuilds per-agent text, status and progress of a recorded run", () => {
    const builder = new RunViewBuilder();
    const percents: number[] = [];
    for (const event of nova) {
      builder.handleEvent(event);
      if (event.event_type === "progress") percents.push(builder.view.progress?.percent ?? -1);
    }
    const { view } = builder;
    expect(view.status).toBe("completed");
    expect(view.mode).toBe("nova3");
    expect(percents).toEqual([20, 40, 60, 80, 100]);
    expect(view.order).toEqual([
      "requirement_analyzer",
      "strategy_generator",
      "insight_agent",
      "profile_agent",
      "content_agent",
      "optimization_agent",
    ]);
    const texts = reconstructTexts(nova);
    for (const name of view.order) {
      expect(view.agents[name]).toMatchObject({ status: "completed", text: texts[name], model: "demo" });
    }
    expect(view.content).toBe(texts.optimization_agent);
    expect(view.lastEventId).toBe(nova[nova.length - 1].id);
  });

  it("shows a failed attempt as retrying, then drops its output", () => {
    const builder = new RunViewBuilder();
    const events = withFailedAttempt(nova, "requirement_analyzer", "oops ");
    const error = events.findIndex((e) => e.event_type === "error");
    for (const event of events.slice(0, error)) builder.handleEvent(event);
    expect(builder.view.agents.requirement_analyzer.text).toBe("oops ");
    builder.handleEvent(events[error]);
    expect(builder.view.agents.requirement_analyzer).toMatchObject({ status: "retrying", text: "" });
    for (const event of events.slice(error + 1)) builder.handleEvent(event);
    expect(builder.view.agents.requirement_analyzer.text).toBe(reconstructTexts(nova).requirement_analyzer);
  });
});

describe("IntegrityChecker", () => {
  function check(events: StreamEvent[]) {
    const builder = new RunViewBuilder();
    const checker = new IntegrityChecker();
    for (const event of events) {
      builder.handleEvent(event);
      if (event.event_type === "agent_complete")
        checker.agentComplete(event.agent_source, event.payload, builder.texts);
      if (event.event_type === "run_complete") return checker.runComplete(event.payload, builder.texts);
    }
    throw new Error("no run_complete");
  }

  it("passes intact Nova3 and Loomi (handoff) runs", () => {
    expect(check(nova)).toEqual([]);
    expect(check(loomi2)).toEqual([]);
  });

  it("flags run content that is not made of the agents' final texts", () => {
    const last = loomi2[loomi2.length - 1] as StreamEvent<"run_complete">;
    const altered = { ...last, payload: { ...last.payload, content: `${last.payload.content}!` } };
    expect(check([...loomi2.slice(0, -1), altered])).toMatchObject([{ check: "run_content" }]);
  });
});
