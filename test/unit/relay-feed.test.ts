/**
 * The relay's pure parts (src/relay/): a page of the session's log becomes rows under the same
 * ids and one batch with the exact frames the session sends; a relay's callers are asked about
 * together, and only a refused one loses access; a feed stopped mid-read (its relay purged) writes
 * nothing and does not read the deleted log again.
 */
import { describe, expect, it } from "vitest";
import { encodeEventFrame } from "../../src/protocol/sse";
import { callerKey, RelayAccess } from "../../src/relay/relay-access";
import { batchOf, pageRows, RelayFeed } from "../../src/relay/relay-feed";
import type { Caller } from "../../src/session/access";
import type { EventLog } from "../../src/session/event-log";
import type { LogPage } from "../../src/session/log-view";

const event = (id: number, type = "llm_chunk") =>
  JSON.stringify({ id, run_id: "run-1", event_type: type, agent_source: "a", timestamp: "t", payload: {} });

describe("a page of the session's log in a relay", () => {
  it("keeps the session's ids, run and type, and the JSON as is", () => {
    const rows = pageRows(41, [event(42), event(43, "run_complete")]);
    expect(rows).toEqual([
      { id: 42, runId: "run-1", type: "llm_chunk", json: event(42) },
      { id: 43, runId: "run-1", type: "run_complete", json: event(43, "run_complete") },
    ]);
  });

  it("makes one batch whose frames are the session's frames, byte for byte", () => {
    const batch = batchOf(pageRows(6, [event(7), event(8)]));
    expect(batch.firstId).toBe(7);
    expect(batch.lastId).toBe(8);
    expect(batch.jsons).toEqual([event(7), event(8)]);
    expect(new TextDecoder().decode(batch.frames)).toBe(encodeEventFrame(7, event(7)) + encodeEventFrame(8, event(8)));
  });
});

describe("a relay's feed", () => {
  it("ends without touching the copy when stopped while a read was under way (its session was deleted meanwhile)", async () => {
    let reloads = 0;
    let published = 0;
    let answer: (page: LogPage) => void = () => {};
    // The relay's log as far as the feed sees it: its head, and the reload after a failed page.
    const log = { head: 3, reloadHead: () => reloads++ } as unknown as EventLog;
    const feed = new RelayFeed(
      { next: () => new Promise((resolve) => (answer = resolve)) },
      {
        log,
        // A purged relay refuses every write (src/relay/relay.ts).
        transact: () => {
          throw new Error("relay: the copy was deleted with its session");
        },
        publish: () => published++,
        gone: () => {},
      },
      async () => {},
    );
    feed.start();
    feed.stop();
    answer({ jsons: [event(4)], lastId: 4, head: 4 });
    await new Promise((resolve) => setTimeout(resolve, 10));
    // Nothing published, and the deleted log was not read again (it has no table left to read).
    expect([published, reloads]).toEqual([0, 0]);
  });
});

describe("who a relay serves", () => {
  const owner: Caller = { userId: "owner" };
  const viewer: Caller = { userId: "viewer" };
  const share: Caller = { userId: "share:s1", readOnly: true, shareId: "s1" };

  it("asks the session once about every caller, and refuses only those it refuses", async () => {
    const asked: Caller[][] = [];
    const access = new RelayAccess(async (callers) => {
      asked.push(callers);
      return callers.map((caller) => caller.userId !== "viewer");
    });
    const keys = [owner, viewer, viewer, share].map((caller) => access.add(caller));
    expect(access.size).toBe(3);
    expect(await access.recheck()).toBe(true);
    expect(asked).toEqual([[owner, viewer, share]]);
    expect(keys.map((key) => access.allowed(key))).toEqual([true, false, false, true]);
    // Nothing new is refused the second time.
    expect(await access.recheck()).toBe(false);
  });

  it("forgets a caller once its last stream closed", () => {
    const access = new RelayAccess(async (callers) => callers.map(() => true));
    const first = access.add(viewer);
    access.add(viewer);
    access.remove(first);
    expect(access.allowed(first)).toBe(true);
    access.remove(first);
    expect(access.allowed(first)).toBe(false);
    expect(access.size).toBe(0);
  });

  it("tells a read token from its user, and a share link from both", () => {
    const keys = new Set([owner, { ...owner, readOnly: true }, share].map(callerKey));
    expect(keys.size).toBe(3);
  });

  it("joins a recheck asked while one is under way instead of asking twice", async () => {
    let calls = 0;
    let answer: (value: boolean[]) => void = () => {};
    const access = new RelayAccess(() => {
      calls++;
      return new Promise((resolve) => {
        answer = resolve;
      });
    });
    access.add(viewer);
    const first = access.recheck();
    const second = access.recheck();
    answer([false]);
    expect(await first).toBe(true);
    expect(await second).toBe(false);
    expect(calls).toBe(1);
  });
});
