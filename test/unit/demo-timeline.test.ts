/**
 * The demo page's run timeline, as pure functions: the model built from a run's events and this
 * client's reconnects (src/demo/timeline-model.ts), its sentences (timeline-summary.ts) and its SVG
 * layout (timeline-layout.ts). On a recorded Nova3 run and on hand-made event sequences.
 */
import { describe, expect, it } from "vitest";
import { NOVA3_AGENTS } from "../../src/agents/nova3-pipeline";
import { LABEL_CHAR_PX, layoutTimeline, type SvgNode } from "../../src/demo/timeline-layout";
import { buildTimeline, estimateClockOffset, type TimelineInput } from "../../src/demo/timeline-model";
import { describeTimeline, parallelAgents } from "../../src/demo/timeline-summary";
import type { PayloadMap, StreamEvent } from "../../src/protocol/events";
import { recording } from "../helpers/recorded";

const T0 = Date.parse("2026-12-01T10:00:00.000Z");
const plan = (names: string[]) => names.map((name) => ({ name, task: name, uses: [], required: true }));

/** A run's events from a compact script: [ms after run_start, event type, agent, payload]. */
function script(agents: string[], steps: [number, keyof PayloadMap, string, Partial<PayloadMap[keyof PayloadMap]>?][]) {
  const start = { mode: "nova3", model: "demo", agents: plan(agents) };
  const all: [number, keyof PayloadMap, string, unknown?][] = [[0, "run_start", "supervisor", start], ...steps];
  return all.map(
    ([ms, type, agent, payload], i) =>
      ({
        id: i + 1,
        run_id: "r",
        event_type: type,
        agent_source: agent,
        timestamp: new Date(T0 + ms).toISOString(),
        payload: payload ?? {},
      }) as StreamEvent,
  );
}

const chunk = (content = "word ") => ({ content, content_type: "text" as const, is_complete: false });
const retry = { error: "HTTP 429", error_type: "rate_limited", retry_count: 0, will_retry: true };
const final = { error: "HTTP 401", error_type: "auth", retry_count: 0, will_retry: false };
const input = (events: StreamEvent[], extra: Partial<TimelineInput> = {}): TimelineInput => ({
  events,
  reconnects: [],
  clockOffsetMs: 0,
  nowMs: T0 + 60_000,
  ...extra,
});

function recordedNova3(): StreamEvent[] {
  const events = recording("nova3-run");
  const start = events[0] as StreamEvent<"run_start">;
  // Recorded before run_start listed the plan; give it the pipeline's plan.
  start.payload.agents = plan(NOVA3_AGENTS);
  return events;
}

describe("buildTimeline", () => {
  it("draws a recorded Nova3 run: every agent in plan order, done, the two middle agents in parallel", () => {
    const events = recordedNova3();
    const model = buildTimeline(input(events));
    expect(model.bars.map((b) => [b.agent, b.outcome])).toEqual(NOVA3_AGENTS.map((a) => [a, "done"]));
    expect(model.ended).toBe(true);
    expect(model.durationMs).toBe(Date.parse(events.at(-1)?.timestamp ?? "") - Date.parse(events[0].timestamp));
    expect(parallelAgents(model).map((p) => p.agents)).toEqual([["insight_agent", "profile_agent"]]);
    const content = model.bars[4];
    expect(content.segments.map((s) => s.state)).toEqual(["queued", "streaming"]);
    expect(content.segments[0].toMs).toBe(content.segments[1].fromMs);
    const firstChunk = events.find((e) => e.event_type === "llm_chunk") as StreamEvent;
    expect(model.marks).toEqual([
      { kind: "first_token", atMs: Date.parse(firstChunk.timestamp) - Date.parse(events[0].timestamp) },
    ]);
    expect(model.gapless).toBe(true);
  });

  it("shows a retry as its own segment, from the failed attempt to the next attempt's first token", () => {
    const events = script(
      ["a"],
      [
        [10, "agent_start", "a"],
        [20, "llm_chunk", "a", chunk()],
        [30, "error", "a", retry],
        [4030, "llm_chunk", "a", chunk()],
        [4100, "agent_complete", "a"],
        [4110, "run_complete", "supervisor"],
      ],
    );
    const model = buildTimeline(input(events));
    expect(model.bars[0].segments).toEqual([
      { state: "queued", fromMs: 0, toMs: 10 },
      { state: "streaming", fromMs: 10, toMs: 30 },
      { state: "retrying", fromMs: 30, toMs: 4030 },
      { state: "streaming", fromMs: 4030, toMs: 4100 },
    ]);
    expect(describeTimeline(model)).toContain("A lost 4.0 s to a retry.");
  });

  it("ends a failed agent red, leaves agents that never started as not run, and stops a running one", () => {
    const events = script(
      ["a", "b", "c"],
      [
        [5, "agent_start", "a"],
        [5, "agent_start", "b"],
        [50, "error", "a", final],
        [60, "run_complete", "supervisor"],
      ],
    );
    const model = buildTimeline(input(events));
    expect(model.bars.map((b) => b.outcome)).toEqual(["failed", "stopped", "not_run"]);
    expect(model.bars[2].segments).toEqual([{ state: "queued", fromMs: 0, toMs: 60 }]);
    expect(model.durationMs).toBe(60);
  });

  it("lets the bars of a run still going grow to now, on the server's clock", () => {
    const events = script(["a"], [[10, "agent_start", "a"]]);
    const model = buildTimeline(input(events, { nowMs: T0 + 2500 + 300, clockOffsetMs: 300 }));
    expect(model.ended).toBe(false);
    expect(model.durationMs).toBe(2500);
    expect(model.bars[0]).toMatchObject({ outcome: "running", segments: [{}, { state: "streaming", toMs: 2500 }] });
  });

  it("marks this client's drop and resume on the server's time axis, and says nothing was lost", () => {
    const steps: [number, keyof PayloadMap, string, Partial<PayloadMap[keyof PayloadMap]>?][] = [
      [10, "agent_start", "a"],
      ...Array.from({ length: 20 }, (_, i): [number, "llm_chunk", string, ReturnType<typeof chunk>] => [
        100 + i * 100,
        "llm_chunk",
        "a",
        chunk(),
      ]),
      [2100, "agent_complete", "a"],
      [2110, "run_complete", "supervisor"],
    ];
    const events = script(["a"], steps);
    const offset = 1000;
    const reconnects = [{ lostAt: T0 + 500 + offset, resumedAt: T0 + 1700 + offset }];
    const model = buildTimeline(input(events, { reconnects, clockOffsetMs: offset }));
    expect(model.marks.filter((m) => m.kind !== "first_token")).toEqual([
      { kind: "drop", atMs: 500 },
      { kind: "resume", atMs: 1700 },
    ]);
    expect(model.offline).toEqual([{ fromMs: 500, toMs: 1700, resumed: true }]);
    expect(describeTimeline(model)).toContain(
      "The connection dropped at 0.50 s and resumed 1.2 s later, with nothing lost.",
    );
    const gap = events.filter((e) => e.id !== 8);
    expect(describeTimeline(buildTimeline(input(gap, { reconnects, clockOffsetMs: offset })))).toContain(
      "The connection dropped at 0.50 s and resumed 1.2 s later.",
    );
  });

  it("shows a connection still down as offline up to now, without a resume mark", () => {
    const events = script(["a"], [[10, "agent_start", "a"]]);
    const model = buildTimeline(input(events, { reconnects: [{ lostAt: T0 + 800 }], nowMs: T0 + 3000 }));
    expect(model.offline).toEqual([{ fromMs: 800, toMs: 3000, resumed: false }]);
    expect(model.marks.map((m) => m.kind)).toEqual(["drop"]);
    expect(describeTimeline(model)).toContain("The connection dropped at 0.80 s and is reconnecting.");
  });

  it("marks each pause for a review and its answer, and says how long the run waited", () => {
    const wait = { awaiting: "review" as const, attempt: 1, actions: [], expires_at: "" };
    const events = script(
      ["a", "b"],
      [
        [10, "agent_start", "a"],
        [400, "agent_complete", "a"],
        [410, "awaiting_input", "a", wait],
        [2910, "input", "a", { action: "approve", actor: "bo", wait_id: 4 }],
        [2920, "agent_start", "b"],
        [3000, "awaiting_input", "b", { ...wait }],
      ],
    );
    const model = buildTimeline(input(events, { nowMs: T0 + 4000 }));
    expect(model.marks).toEqual([
      { kind: "paused", atMs: 410 },
      { kind: "answered", atMs: 2910 },
      { kind: "paused", atMs: 3000 },
    ]);
    expect(model.bars.map((b) => b.outcome)).toEqual(["done", "running"]);
    expect(describeTimeline(model)).toEqual([
      "The run paused for a review at 0.41 s; answered 2.5 s later.",
      "The run paused for a review at 3.0 s and waits.",
    ]);
    const labels = layoutTimeline(model, 900).nodes.filter((n) => n.attrs["data-mark"]);
    expect(labels.map((n) => n.children?.[1].text)).toEqual([
      "paused for review 0.41 s",
      "answered 2.9 s",
      "paused for review 3.0 s",
    ]);
    // An answer's label and the next pause's are in different lanes, so close ones do not overlap.
    expect(labels.map((n) => n.children?.[1].attrs.y)).toEqual([25, 11, 25]);
  });

  it("is empty before run_start", () => {
    expect(buildTimeline(input([])).bars).toEqual([]);
  });
});

describe("estimateClockOffset", () => {
  it("takes the fastest arrival, so late replays after a reconnect never decide it", () => {
    const samples = [
      { serverMs: 1000, clientMs: 1300 },
      { serverMs: 2000, clientMs: 2040 },
      { serverMs: 2100, clientMs: 5000 },
    ];
    expect(estimateClockOffset(samples)).toBe(40);
    expect(estimateClockOffset([])).toBe(0);
  });
});

function flatten(nodes: SvgNode[]): SvgNode[] {
  return nodes.flatMap((n) => [n, ...flatten(n.children ?? [])]);
}

describe("layoutTimeline", () => {
  for (const width of [1100, 340]) {
    it(`fits a recorded run with a drop into ${width} px: a row per agent in plan order, every shape inside`, () => {
      const events = recordedNova3();
      const t0 = Date.parse(events[0].timestamp);
      // A drop near the start and a resume at the very end: both labels must stay on the chart.
      const end = Date.parse(events.at(-1)?.timestamp ?? "");
      const model = buildTimeline(input(events, { reconnects: [{ lostAt: t0 + 20, resumedAt: end }] }));
      const svg = layoutTimeline(model, width);
      const nodes = flatten(svg.nodes);
      expect(nodes.filter((n) => n.attrs["data-bar"]).map((n) => n.attrs["data-bar"])).toEqual(NOVA3_AGENTS);
      expect(nodes.filter((n) => n.attrs["data-mark"]).map((n) => n.attrs["data-mark"])).toEqual([
        "first_token",
        "drop",
        "resume",
      ]);
      for (const rect of nodes.filter((n) => n.tag === "rect")) {
        expect(Number(rect.attrs.x)).toBeGreaterThanOrEqual(0);
        expect(Number(rect.attrs.x) + Number(rect.attrs.width)).toBeLessThanOrEqual(width);
        expect(Number(rect.attrs.y) + Number(rect.attrs.height)).toBeLessThanOrEqual(svg.height);
      }
      for (const mark of nodes.filter((n) => n.attrs["data-mark"])) {
        const text = mark.children?.find((c) => c.tag === "text");
        const room = (text?.text?.length ?? 0) * LABEL_CHAR_PX;
        const x = Number(text?.attrs.x);
        if (text?.attrs["text-anchor"] === "end") expect(x - room).toBeGreaterThanOrEqual(0);
        else expect(x + room).toBeLessThanOrEqual(width);
      }
      const segments = nodes.filter((n) => n.attrs["data-segment"]);
      for (const s of segments) expect(Number(s.attrs["data-to-ms"])).toBeGreaterThan(Number(s.attrs["data-from-ms"]));
      expect(svg.height).toBe(32 + NOVA3_AGENTS.length * 24 + 24);
    });
  }
});
