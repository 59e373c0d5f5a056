/**
 * An endpoint that answers 404 (a base URL without `/v1`, a model that does not exist) is a
 * configuration error: not retried, no fallback, reported with the URL that was called and what
 * to check, and the run fails with the same classification, never as an unclassified bug.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ERROR_TYPES, EVENT_TYPES, RUN_STATUSES } from "../../src/protocol/events";
import { fake, fakeRequests, scenarioId } from "../helpers/fake-control";
import { eventsOf, expectIntact, NOVA3_CONTENT, runChat } from "../helpers/run-events";

const baseUrl = (env as unknown as Record<string, string>).OPENAI_BASE_URL;

describe("openai provider: configuration errors", () => {
  it("reports a 404 once, naming the URL called and the settings to check, and fails the run with it", async () => {
    const s = scenarioId("config-404");
    const { events, complete } = await runChat("novachat", {
      message: `Wrong URL ${fake(s, { agent: "requirement_analyzer", status: 404, times: "all" })}`,
    });
    expect(complete.payload.status).toBe(RUN_STATUSES.FAILED);
    // Not retried, and no fallback model either: another attempt would get the same answer.
    expect(await fakeRequests(s)).toHaveLength(1);

    const [failed] = eventsOf(events, EVENT_TYPES.ERROR, "requirement_analyzer");
    expect(failed.payload).toMatchObject({ error_type: ERROR_TYPES.CONFIG_ERROR, retry_count: 0, will_retry: false });
    expect(failed.payload.error).toContain(`the endpoint ${baseUrl}/chat/completions answered 404`);
    expect(failed.payload.error).toMatch(/check OPENAI_BASE_URL \(it usually ends in \/v1\) and LLM_MODEL/);

    const supervisor = eventsOf(events, EVENT_TYPES.ERROR, "supervisor");
    expect(supervisor.map((e) => e.payload.error_type)).toEqual([ERROR_TYPES.CONFIG_ERROR]);
    expect(supervisor[0].payload.error).toMatch(/^required agent requirement_analyzer failed: the endpoint /);
    expect(eventsOf(events, EVENT_TYPES.ERROR).map((e) => e.payload.error_type)).not.toContain(ERROR_TYPES.AGENT_ERROR);
    expectIntact(events, NOVA3_CONTENT);
  });
});
