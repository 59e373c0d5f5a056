/**
 * The client against recorded runs replayed by a fake server, with the connection cut at every
 * frame boundary and inside frames, duplicated, reordered and refused: the app must see every
 * event exactly once, in order, and the verified final text.
 */
import { describe, expect, it } from "vitest";
import { reconstructTexts } from "../../src/protocol/reconstruct";
import { cutPoints, fakeClient, record, seeded } from "../helpers/client-harness";
import { idsOf } from "../helpers/event-lists";
import { FakeServer, type Fault } from "../helpers/fake-server";
import { recording } from "../helpers/recorded";

const nova = recording("nova3-run");
const loomi1 = recording("loomi-turn1");
const loomi2 = recording("loomi-turn2");

describe("client: a recorded Nova3 run", () => {
  it("delivers the whole run once, in order, and verifies it", async () => {
    const server = new FakeServer([nova]);
    const run = fakeClient(server).novachat("Launch post for a solar backpack");
    const seen = record(run);
    const result = await run.done;
    expect(seen.events).toEqual(nova);
    expect(result.status).toBe("completed");
    expect(result.texts).toEqual(reconstructTexts(nova));
    expect(result.content).toBe(result.texts.optimization_agent);
    expect(run.integrity).toBe("verified");
    expect(seen.connected).toEqual([{ transport: "fetch", attempt: 0, afterId: 0 }]);
    expect(seen.reconnecting).toEqual([]);
    expect(seen.disconnected).toEqual([{ reason: "completed" }]);
    expect(server.requestsTo(/events$/)).toEqual([]);
  });

  it("resumes after a disconnect at every cut point with nothing lost or repeated", async () => {
    const points = cutPoints(nova);
    expect(points.length).toBeGreaterThan(4 * nova.length);
    for (const { cut, lastWhole } of points) {
      const server = new FakeServer([nova]);
      server.faults.push({ cutAfterBytes: cut });
      const run = fakeClient(server).novachat("Launch post for a solar backpack");
      const seen = record(run);
      const result = await run.done;
      expect(idsOf(seen.events), `cut at byte ${cut}`).toEqual(idsOf(nova));
      expect(seen.events).toEqual(nova);
      expect(result.texts).toEqual(reconstructTexts(nova));
      expect(seen.reconnecting.map((r) => r.afterId)).toEqual([lastWhole]);
      const resumes = server.requestsTo(/events$/);
      expect(resumes.map((r) => r.headers.get("Last-Event-ID"))).toEqual([String(lastWhole)]);
    }
  }, 60_000);

  it("drops duplicated and replayed frames", async () => {
    const server = new FakeServer([nova]);
    server.faults.push({ doubleFrames: true, cutAfterBytes: 20_000 }, { replayFromStart: true, doubleFrames: true });
    const run = fakeClient(server).novachat("dupes");
    const seen = record(run);
    await run.done;
    expect(seen.events).toEqual(nova);
    expect(seen.reconnecting).toHaveLength(1);
  });

  it("puts reordered frames back in order", async () => {
    const server = new FakeServer([nova]);
    server.faults.push({ swapPairs: true });
    const run = fakeClient(server).novachat("reordered");
    const seen = record(run);
    await run.done;
    expect(seen.events).toEqual(nova);
  });

  it("survives random sequences of faults (seeded)", async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const random = seeded(seed);
      const server = new FakeServer([nova]);
      const pick = (): Fault => {
        const cutAfterBytes = Math.floor(random() * 45_000);
        const roll = random();
        if (roll < 0.15) return { status: 503, retryAfter: "0" };
        if (roll < 0.3) return { cutAfterBytes, replayFromStart: true };
        if (roll < 0.45) return { cutAfterBytes, swapPairs: true };
        if (roll < 0.6) return { cutAfterBytes, doubleFrames: true };
        return { cutAfterBytes };
      };
      // The first connection is the POST that starts the run: an HTTP error there means no run.
      server.faults.push({ cutAfterBytes: Math.floor(random() * 45_000) });
      for (let i = Math.floor(random() * 8); i > 0; i--) server.faults.push(pick());
      const run = fakeClient(server, { backoff: { maxAttempts: 20 } }).novachat("chaos");
      const seen = record(run);
      await run.done;
      expect(seen.events, `seed ${seed}`).toEqual(nova);
    }
  }, 30_000);
});

describe("client: a Loomi conversation in one session", () => {
  it("reads the second turn after the first, resuming from the session's cursor at every frame boundary", async () => {
    const boundaries = cutPoints(loomi2).filter((_, i) => i % 4 === 1 || i === 0);
    for (const { cut, lastWhole } of boundaries) {
      const server = new FakeServer([loomi1, loomi2]);
      const client = fakeClient(server);
      const first = client.loomichat("Hi Loomi, I sell handmade candles.");
      const turn1 = await first.done;
      server.faults.push({ cutAfterBytes: cut });
      const second = client.loomichat("Write a short product blurb for them", { sessionId: turn1.sessionId });
      const seen = record(second);
      const turn2 = await second.done;
      expect(seen.events).toEqual(loomi2);
      expect(turn2.sessionId).toBe(turn1.sessionId);
      expect(Object.keys(turn2.texts)).toEqual(["loomi_concierge", "content_agent"]);
      expect(turn2.content).toBe(`${turn2.texts.loomi_concierge}\n\n${turn2.texts.content_agent}`);
      expect(server.requestsTo(/events$/).map((r) => r.headers.get("Last-Event-ID"))).toEqual([String(lastWhole)]);
      const posted = JSON.parse(server.requestsTo(/loomichat$/)[1].body ?? "{}");
      expect(posted).toEqual({ message: "Write a short product blurb for them", session_id: turn1.sessionId });
    }
  }, 30_000);
});
