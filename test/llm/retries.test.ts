/**
 * Failed attempts against the fake endpoint: which ones are retried, how each is reported, and
 * that the text a client rebuilds stays exactly the final text whatever an attempt streamed.
 */
import { describe, expect, it } from "vitest";
import { ERROR_TYPES, EVENT_TYPES, RUN_STATUSES, type StreamEvent } from "../../src/protocol/events";
import { reconstructTexts } from "../../src/protocol/reconstruct";
import { fake, fakeRequests, scenarioId } from "../helpers/fake-control";
import { eventsOf, expectIntact, NOVA3_CONTENT, runChat } from "../helpers/run-events";

/** The agent's text as a client has it just before `event` (what an error may discard). */
function textBefore(events: StreamEvent[], event: StreamEvent, agent: string): string {
  return reconstructTexts(events.slice(0, events.indexOf(event)))[agent] ?? "";
}

/** Runs Nova3 with one fault on `agent`; returns the events, that agent's errors and the endpoint's requests for it. */
async function faultOn(agent: string, params: Record<string, string | number>) {
  const s = scenarioId(agent);
  const run = await runChat("novachat", { message: `Fault test ${fake(s, { agent, ...params })}` });
  const errors = eventsOf(run.events, EVENT_TYPES.ERROR, agent);
  const label = agent.replace(/_/g, " ");
  const requests = (await fakeRequests(s)).filter((r) => r.agent === label);
  return { ...run, errors, requests };
}

describe("openai provider: retries", () => {
  it("retries a 429 after the Retry-After the endpoint asked for", async () => {
    const { events, complete, errors, requests } = await faultOn("strategy_generator", {
      status: 429,
      "retry-after": 1,
    });
    expect(complete.payload.status).toBe(RUN_STATUSES.COMPLETED);
    expectIntact(events, NOVA3_CONTENT);
    expect(errors.map((e) => e.payload)).toEqual([
      expect.objectContaining({
        error_type: ERROR_TYPES.RATE_LIMITED,
        retry_count: 0,
        will_retry: true,
        discarded_chars: 0,
        model: "fake-main",
      }),
    ]);
    expect(requests.map((r) => r.outcome)).toEqual(["status_429", "completed"]);
    // The backoff here is 10 ms: only honouring Retry-After: 1 explains a gap of a second.
    expect(requests[1].received_at - requests[0].received_at).toBeGreaterThanOrEqual(950);
  });

  it("retries a 500 and succeeds on the next attempt", async () => {
    const { events, complete, errors, requests } = await faultOn("content_agent", { status: 500 });
    expect(complete.payload.status).toBe(RUN_STATUSES.COMPLETED);
    expectIntact(events, NOVA3_CONTENT);
    expect(errors.map((e) => [e.payload.error_type, e.payload.retry_count, e.payload.will_retry])).toEqual([
      [ERROR_TYPES.SERVER_ERROR, 0, true],
    ]);
    expect(requests.map((r) => r.outcome)).toEqual(["status_500", "completed"]);
  });

  it("retries a connection dropped before any response as a network error", async () => {
    const { events, complete, errors, requests } = await faultOn("profile_agent", { drop: 1 });
    expect(complete.payload.status).toBe(RUN_STATUSES.COMPLETED);
    expectIntact(events, NOVA3_CONTENT);
    expect(errors.map((e) => [e.payload.error_type, e.payload.will_retry, e.payload.discarded_chars])).toEqual([
      [ERROR_TYPES.NETWORK, true, 0],
    ]);
    expect(requests.map((r) => r.outcome)).toEqual(["dropped", "completed"]);
  });

  for (const [name, params, type] of [
    ["a stream cut mid-way", { cut: 4 }, ERROR_TYPES.STREAM_BROKEN],
    ["a malformed chunk", { malformed: 4 }, ERROR_TYPES.MALFORMED],
    ["a stall (no chunk for LLM_IDLE_TIMEOUT_MS)", { stall: 4 }, ERROR_TYPES.STALL],
  ] as const) {
    it(`discards what an attempt streamed before ${name}, and the retry's text replaces it`, async () => {
      const { events, complete, errors, requests } = await faultOn("content_agent", params);
      expect(complete.payload.status).toBe(RUN_STATUSES.COMPLETED);
      expect(errors).toHaveLength(1);
      const [error] = errors;
      expect(error.payload).toMatchObject({ error_type: type, retry_count: 0, will_retry: true });
      // Four chunks reached the client before the failure, and exactly those are discarded.
      const streamed = textBefore(events, error, "content_agent");
      expect(streamed).toBe("[content agent@fake-main] word1 word2 word3 ");
      expect(error.payload.discarded_chars).toBe(streamed.length);
      const texts = expectIntact(events, NOVA3_CONTENT);
      expect(texts.content_agent).toBe(
        "[content agent@fake-main] word1 word2 word3 word4 word5 word6 word7 word8 word9 word10 word11.",
      );
      expect(requests).toHaveLength(2);
      expect(requests[1].outcome).toBe("completed");
      if (type === ERROR_TYPES.STALL) expect(requests[0].client_closed).toBe(true);
    });
  }

  it("does not retry a 401: the required agent fails the run at once", async () => {
    const { events, complete, errors, requests } = await faultOn("requirement_analyzer", { status: 401, times: "all" });
    expect(requests).toHaveLength(1);
    expect(errors.map((e) => e.payload)).toEqual([
      expect.objectContaining({ error_type: ERROR_TYPES.AUTH, retry_count: 0, will_retry: false }),
    ]);
    expect(complete.payload.status).toBe(RUN_STATUSES.FAILED);
    const failure = eventsOf(events, EVENT_TYPES.ERROR, "supervisor");
    expect(failure).toHaveLength(1);
    expect(failure[0].payload.error).toMatch(
      /required agent requirement_analyzer failed: the endpoint \S+\/chat\/completions answered 401 \(fake 401\): check OPENAI_API_KEY/,
    );
    expect(failure[0].payload.error_type).toBe(ERROR_TYPES.AUTH);
    expect(eventsOf(events, EVENT_TYPES.AGENT_START).map((e) => e.agent_source)).toEqual(["requirement_analyzer"]);
    expectIntact(events, NOVA3_CONTENT);
  });

  it("does not retry a content-filter stop: an optional agent fails, the run is partial", async () => {
    const { events, complete, errors, requests } = await faultOn("insight_agent", { filter: 3, times: "all" });
    expect(requests).toHaveLength(1);
    expect(errors.map((e) => [e.payload.error_type, e.payload.will_retry])).toEqual([
      [ERROR_TYPES.CONTENT_FILTER, false],
    ]);
    expect(errors[0].payload.discarded_chars).toBe(textBefore(events, errors[0], "insight_agent").length);
    expect(complete.payload.status).toBe(RUN_STATUSES.PARTIAL);
    expect(reconstructTexts(events).insight_agent).toBe("");
    expectIntact(events, NOVA3_CONTENT);
  });

  it("falls back to LLM_FALLBACK_MODEL once after the retries, and says so", async () => {
    const { events, complete, errors, requests } = await faultOn("content_agent", {
      model: "fake-main",
      status: 503,
      times: "all",
    });
    expect(complete.payload.status).toBe(RUN_STATUSES.COMPLETED);
    expect(requests.map((r) => r.model)).toEqual(["fake-main", "fake-main", "fake-main", "fake-main", "fake-fallback"]);
    expect(errors.map((e) => [e.payload.error_type, e.payload.retry_count, e.payload.will_retry])).toEqual([
      [ERROR_TYPES.SERVER_ERROR, 0, true],
      [ERROR_TYPES.SERVER_ERROR, 1, true],
      [ERROR_TYPES.SERVER_ERROR, 2, true],
      [ERROR_TYPES.SERVER_ERROR, 3, true],
      [ERROR_TYPES.FALLBACK, 3, true],
    ]);
    expect(errors[4].payload).toMatchObject({ model: "fake-main", fallback_model: "fake-fallback" });
    const done = eventsOf(events, EVENT_TYPES.AGENT_COMPLETE, "content_agent")[0];
    expect(done.payload.model).toBe("fake-fallback");
    expect(done.payload.text).toMatch(/^\[content agent@fake-fallback\]/);
    expect(complete.payload.agents.content_agent).toMatchObject({ status: "completed", model: "fake-fallback" });
    expectIntact(events, NOVA3_CONTENT);
  });
});
