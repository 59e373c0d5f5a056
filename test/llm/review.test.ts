/**
 * Review answers and steering messages reach the model (the real openai client against the fake
 * endpoint, which records every request): a revision's request carries the earlier answer and the
 * feedback, an edit's text is what the next agents are given, and a message sent while a run
 * streams reaches only the agents that start after it.
 */
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { REVISE_WITH, USER_ADDED } from "../../src/agents/review-gate";
import { EVENT_TYPES, type StreamEvent } from "../../src/protocol/events";
import type { SessionObject } from "../../src/session/session-object";
import { startDetached } from "../helpers/api";
import { fake, fakeRequests, scenarioId, waitForRequests } from "../helpers/fake-control";
import type { FakeRequestRecord } from "../helpers/fake-openai-log";
import { answer, lastPause, readToPause, steer } from "../helpers/review";
import { eventsOf, expectIntact, NOVA3_CONTENT, readWholeRun } from "../helpers/run-events";

const REVIEWED = "strategy_generator";
const said = (record: FakeRequestRecord) => record.messages.map((m) => `${m.role}: ${m.content}`).join("\n");

describe("review answers and steering reach the model", () => {
  it("revise: the agent's new request carries its earlier answer and the feedback, and nothing later runs first", async () => {
    const s = scenarioId("revise");
    const started = await startDetached("novachat", { message: `Plan it ${fake(s)}`, options: { review: [REVIEWED] } });
    const first = await readToPause(started.session_id);
    const earlier = eventsOf(first, EVENT_TYPES.AGENT_COMPLETE, REVIEWED)[0].payload.text ?? "";
    // The feedback is the request's last user message, so it carries the scenario too.
    const feedback = `Focus on students, not teachers. ${fake(s)}`;
    expect((await answer(started.session_id, { action: "revise", feedback })).status).toBe(202);
    const again = lastPause(await readToPause(started.session_id, 2));
    expect(again.payload.attempt).toBe(2);

    const strategy = (await fakeRequests(s)).filter((r) => r.agent === "strategy generator");
    expect(strategy).toHaveLength(2);
    expect(said(strategy[0])).not.toContain(REVISE_WITH);
    expect(strategy[1].messages.slice(-2)).toEqual([
      { role: "assistant", content: earlier },
      { role: "user", content: `${REVISE_WITH}${feedback}` },
    ]);
    expect((await fakeRequests(s)).map((r) => r.agent)).toEqual([
      "requirement analyzer",
      "strategy generator",
      "strategy generator",
    ]);
    expect((await answer(started.session_id, { action: "approve" })).status).toBe(202);
    const events = await readWholeRun(started.session_id);
    const texts = expectIntact(events, NOVA3_CONTENT);
    expect(texts[REVIEWED]).toBe(eventsOf(events, EVENT_TYPES.AGENT_COMPLETE, REVIEWED)[1].payload.text);
  });

  it("edit: every agent that uses the reviewed one is given the edited text, never the original", async () => {
    const s = scenarioId("edit");
    const started = await startDetached("novachat", { message: `Plan it ${fake(s)}`, options: { review: [REVIEWED] } });
    const first = await readToPause(started.session_id);
    const original = eventsOf(first, EVENT_TYPES.AGENT_COMPLETE, REVIEWED)[0].payload.text ?? "";
    const edited = "EDITED STRATEGY: three short posts, one per weekday, each ending with a question.";
    expect((await answer(started.session_id, { action: "edit", text: edited })).status).toBe(202);
    const events = await readWholeRun(started.session_id);
    expect((events.at(-1) as StreamEvent<"run_complete">).payload.status).toBe("completed");
    const texts = expectIntact(events, NOVA3_CONTENT);
    expect(texts[REVIEWED]).toBe(edited);

    const requests = await fakeRequests(s);
    const users = ["insight agent", "profile agent", "content agent"].map((agent) => {
      const found = requests.find((r) => r.agent === agent);
      if (!found) throw new Error(`no request of the ${agent}`);
      return said(found);
    });
    for (const text of users) {
      expect(text).toContain(`## ${REVIEWED}\n${edited}`);
      expect(text).not.toContain(original);
    }
    // The reviewed agent is not asked again.
    expect(requests.filter((r) => r.agent === "strategy generator")).toHaveLength(1);
  });

  it("a message sent while an agent streams reaches only the agents that start after it", async () => {
    const s = scenarioId("steer");
    const slow = fake(s, { agent: REVIEWED, tokens: 60, delay: 25 });
    const started = await startDetached("novachat", { message: `Write it ${slow}` });
    // The strategy generator's request is in flight: the message comes while it streams.
    await waitForRequests(s, (rs) => rs.some((r) => r.agent === "strategy generator"));
    const note = `Mention the spring discount. ${fake(s)}`;
    const res = await steer(started.session_id, note);
    expect(res.status).toBe(202);
    const events = await readWholeRun(started.session_id);
    expectIntact(events, NOVA3_CONTENT);
    const message = eventsOf(events, EVENT_TYPES.USER_MESSAGE)[0];
    expect(message.payload.text).toBe(note);
    // In the log, the message comes after the strategy generator started and before it completed.
    const strategyDone = eventsOf(events, EVENT_TYPES.AGENT_COMPLETE, REVIEWED)[0];
    expect(message.id).toBeLessThan(strategyDone.id);

    const requests = await fakeRequests(s);
    const byAgent = new Map(requests.map((r) => [r.agent, said(r)]));
    expect(byAgent.get("requirement analyzer")).not.toContain(USER_ADDED);
    expect(byAgent.get("strategy generator")).not.toContain(USER_ADDED);
    for (const later of ["insight agent", "profile agent", "content agent", "optimization agent"]) {
      expect(byAgent.get(later), later).toContain(`user: ${USER_ADDED}${note}`);
    }
  });
});

describe("a revision cut off by a restart", () => {
  it("starts again as the same attempt, with the same feedback", async () => {
    const s = scenarioId("revise-restart");
    const started = await startDetached("novachat", { message: `Plan it ${fake(s)}`, options: { review: [REVIEWED] } });
    await readToPause(started.session_id);
    // The revision streams slowly, so the object can be killed under it.
    const feedback = `Shorter. ${fake(s, { agent: REVIEWED, tokens: 80, delay: 30 })}`;
    expect((await answer(started.session_id, { action: "revise", feedback })).status).toBe(202);
    await waitForRequests(s, (rs) => rs.filter((r) => r.agent === "strategy generator").length === 2);
    await runInDurableObject(stubOf(started.session_id), (_o, state) => state.abort()).catch(() => {});
    expect(await runDurableObjectAlarm(stubOf(started.session_id))).toBe(true);

    const again = lastPause(await readToPause(started.session_id, 2));
    expect(again.payload.attempt).toBe(2);
    const strategy = (await fakeRequests(s)).filter((r) => r.agent === "strategy generator");
    expect(strategy).toHaveLength(3);
    expect(strategy[2].messages.at(-1)).toEqual({ role: "user", content: `${REVISE_WITH}${feedback}` });
    expect(strategy[2].messages.at(-2)).toEqual(strategy[1].messages.at(-2));
    expect((await answer(started.session_id, { action: "approve" })).status).toBe(202);
    const events = await readWholeRun(started.session_id);
    expectIntact(events, NOVA3_CONTENT);
    // One agent_start per attempt: the restart does not announce a third.
    expect(eventsOf(events, EVENT_TYPES.AGENT_START, REVIEWED).map((e) => e.payload.attempt)).toEqual([undefined, 2]);
  });
});

function stubOf(sessionId: string): DurableObjectStub<SessionObject> {
  const namespace = env.SESSIONS as DurableObjectNamespace<SessionObject>;
  return namespace.get(namespace.idFromName(sessionId));
}
