/**
 * One run at a time in a session. Here, not in the workers project: this project's demo model is
 * slow (50 ms a token), so the first run is surely still active when the second request arrives;
 * at 1 ms a token a loaded machine could finish it first.
 */
import { describe, expect, it } from "vitest";
import { EVENT_TYPES } from "../../src/protocol/events";
import { api, postChat, startDetached, waitIdle } from "../helpers/api";
import { readSse } from "../helpers/sse";

describe("a session runs one run at a time", () => {
  it("refuses a second run while one is active with 409, and accepts one after", { timeout: 90_000 }, async () => {
    const first = await startDetached("novachat", { message: "busy" });
    const second = await postChat("novachat", { message: "again", session_id: first.session_id });
    expect(second.status).toBe(409);
    expect(await second.json()).toMatchObject({ error: { code: "run_active" } });
    await waitIdle(first.session_id);
    const third = await startDetached("novachat", { message: "now", session_id: first.session_id });
    expect(third.events_url).toMatch(/last_event_id=[1-9]\d*&token=[\w.-]+$/);
    const { events } = await readSse(await api(third.events_url));
    expect(events.every((e) => e.run_id === third.run_id)).toBe(true);
    expect(events[events.length - 1].event_type).toBe(EVENT_TYPES.RUN_COMPLETE);
  });
});
