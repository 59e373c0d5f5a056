/**
 * The client with texts too long to ride in one event: `agent_complete` without `text` and
 * `run_complete` without `content` (length and digest instead). It verifies what it rebuilt from
 * the chunks against them, and rebuilds the run's content itself.
 */
import { describe, expect, it } from "vitest";
import { IntegrityError } from "../../packages/client/src/errors";
import { RunTracker } from "../../packages/client/src/run-tracker";
import { MAX_EVENT_TEXT_CHARS, type StreamEvent } from "../../src/protocol/events";
import { findIntegrityMismatches } from "../../src/protocol/reconstruct";
import { inlineText, textDigest } from "../../src/protocol/text-digest";

const RUN = "run-1";
const AGENT = "loomi_concierge";
const LONG = "Long answer, é and 🙂. ".repeat(Math.ceil((3 * MAX_EVENT_TEXT_CHARS) / 22));

/** A Loomi run whose one agent answers `text` in chunks of at most MAX_EVENT_TEXT_CHARS. */
function run(text: string, tamper = false): StreamEvent[] {
  const drafts: Omit<StreamEvent, "id" | "run_id" | "timestamp">[] = [
    { event_type: "run_start", agent_source: "supervisor", payload: { mode: "loomi", model: "m", agents: [] } },
    {
      event_type: "agent_start",
      agent_source: AGENT,
      payload: { status: "started", task_description: "t", model: "m" },
    },
  ];
  for (let at = 0; at < text.length; at += MAX_EVENT_TEXT_CHARS) {
    const content = text.slice(at, at + MAX_EVENT_TEXT_CHARS);
    drafts.push({
      event_type: "llm_chunk",
      agent_source: AGENT,
      payload: {
        content: tamper && at === 0 ? `X${content.slice(1)}` : content,
        content_type: "text",
        is_complete: false,
      },
    });
  }
  drafts.push(
    {
      event_type: "agent_complete",
      agent_source: AGENT,
      payload: {
        status: "completed",
        summary: "s",
        text: inlineText(text),
        chars: text.length,
        digest: textDigest(text),
        model: "m",
      },
    },
    {
      event_type: "run_complete",
      agent_source: "supervisor",
      payload: {
        status: "completed",
        content: inlineText(text),
        content_chars: text.length,
        content_digest: textDigest(text),
        agents: { [AGENT]: { status: "completed", chars: text.length, model: "m" } },
      },
    },
  );
  // JSON, as on the wire: a payload's absent text is no key at all.
  return drafts.map((d, i) => JSON.parse(JSON.stringify({ id: i + 1, run_id: RUN, timestamp: "t", ...d })));
}

function follow(events: StreamEvent[]) {
  const tracker = new RunTracker(0);
  tracker.setRun({ sessionId: "s", runId: RUN });
  for (const event of events) tracker.receive(event, () => {});
  return tracker;
}

describe("client: texts longer than one event", () => {
  it("verifies them by length and digest and rebuilds the run's content", () => {
    const events = run(LONG);
    const complete = events.find((e) => e.event_type === "agent_complete") as StreamEvent<"agent_complete">;
    expect(complete.payload).not.toHaveProperty("text");
    expect(events[events.length - 1].payload).not.toHaveProperty("content");
    expect(findIntegrityMismatches(events)).toEqual([]);
    const tracker = follow(events);
    expect(tracker.final).toMatchObject({ result: { status: "completed", content: LONG } });
    expect(tracker.view.content).toBe(LONG);
  });

  it("finds a chunk that changed, though the text's length did not", () => {
    const events = run(LONG, true);
    expect(findIntegrityMismatches(events)).toEqual([AGENT]);
    const final = follow(events).final;
    expect(final && "error" in final && final.error).toBeInstanceOf(IntegrityError);
    const mismatches = final && "error" in final ? (final.error as IntegrityError).mismatches : [];
    expect(mismatches.map((m) => [m.agent, m.check])).toEqual([
      [AGENT, "agent_complete_digest"],
      [undefined, "run_content"],
    ]);
  });

  it("keeps checking short texts by the text itself", () => {
    const events = run("A short answer.");
    expect((events.find((e) => e.event_type === "agent_complete") as StreamEvent<"agent_complete">).payload.text).toBe(
      "A short answer.",
    );
    expect(follow(events).final).toMatchObject({ result: { content: "A short answer." } });
  });
});
