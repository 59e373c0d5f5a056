/**
 * The client's API against a fake server: tokens, detached starts, EventSource, HTTP errors,
 * giving up, close, drop, cancel, handlers, and the integrity check.
 */

import { ClientError, HttpError, IntegrityError } from "@edge-stream/client";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { StreamEvent } from "../../src/protocol/events";
import { cutPoints, fakeClient, record } from "../helpers/client-harness";
import { idsOf, range } from "../helpers/event-lists";
import { fakeEventSource } from "../helpers/fake-eventsource";
import { FakeServer } from "../helpers/fake-server";
import { recording, withCorruptedChunk, withFailedAttempt } from "../helpers/recorded";

const nova = recording("nova3-run");

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe("client: authentication and starting", () => {
  it("sends the current token as a bearer header on every request, asking the getter each time", async () => {
    const server = new FakeServer([nova]);
    server.faults.push({ cutAfterBytes: 9000 });
    let issued = 0;
    const run = fakeClient(server, { token: () => `t${++issued}` }).novachat("auth");
    await run.done;
    expect(server.requests.map((r) => r.headers.get("Authorization"))).toEqual(["Bearer t1", "Bearer t2"]);
  });

  it("sends no Authorization header without a token", async () => {
    const server = new FakeServer([nova]);
    await fakeClient(server).novachat("no auth").done;
    expect(server.requests[0].headers.has("Authorization")).toBe(false);
  });

  it("in detached mode starts with a 202 and follows events_url, keeping its read token", async () => {
    const server = new FakeServer([nova], "&token=read-abc");
    server.faults.push({ cutAfterBytes: 7000 });
    const run = fakeClient(server, { detached: true, token: "user-jwt" }).novachat("detached");
    const seen = record(run);
    await run.done;
    expect(seen.events).toEqual(nova);
    const [post, ...reads] = server.requests;
    expect(post.headers.get("Accept")).toBe("application/json");
    expect(reads).toHaveLength(2);
    for (const read of reads) {
      expect(read.url.searchParams.get("token")).toBe("read-abc");
      expect(read.headers.get("Authorization")).toBe("Bearer user-jwt");
    }
    expect(reads[0].url.searchParams.get("last_event_id")).toBe("0");
    expect(reads[1].headers.get("Last-Event-ID")).toBe(reads[1].url.searchParams.get("last_event_id"));
  });

  it("fails without retrying when the start is refused", async () => {
    const server = new FakeServer([nova]);
    const refusing = async () => Response.json({ error: { code: "run_active", message: "busy" } }, { status: 409 });
    const run = fakeClient(server, { fetch: refusing }).novachat("refused");
    const seen = record(run);
    const error = await run.done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 409, apiCode: "run_active" });
    await expect(run.started).rejects.toBe(error);
    expect(seen.disconnected).toEqual([{ reason: "failed", error }]);
  });
});

describe("client: EventSource transport", () => {
  it("follows events_url with its token and resumes with last_event_id at each frame boundary", async () => {
    const points = cutPoints(nova).filter((_, i) => i % 4 === 0);
    for (const { cut, lastWhole } of points) {
      const server = new FakeServer([nova], "&token=read-xyz");
      server.faults.push({ cutAfterBytes: cut });
      const urls: string[] = [];
      const client = fakeClient(server, { transport: "eventsource", EventSource: fakeEventSource(server, urls) });
      const run = client.novachat("es");
      const seen = record(run);
      await run.done;
      expect(seen.events).toEqual(nova);
      const query = urls.map((u) => new URL(u).searchParams);
      expect(query.map((q) => q.get("token"))).toEqual(["read-xyz", "read-xyz"]);
      expect(query.map((q) => q.get("last_event_id"))).toEqual(["0", String(lastWhole)]);
    }
  }, 30_000);
});

describe("client: reconnecting", () => {
  it("retries a 503 after its Retry-After, and resumes", async () => {
    const server = new FakeServer([nova]);
    server.faults.push({ cutAfterBytes: 5000 }, { status: 503, retryAfter: "0" });
    const run = fakeClient(server).novachat("503");
    const seen = record(run);
    await run.done;
    expect(seen.events).toEqual(nova);
    expect(seen.reconnecting.map((r) => r.attempt)).toEqual([1, 2]);
    expect(seen.reconnecting[1].error).toBeInstanceOf(HttpError);
  });

  it("gives up after maxAttempts connections without progress", async () => {
    const server = new FakeServer([nova]);
    server.faults.push(...Array.from({ length: 10 }, () => ({ cutAfterBytes: 0 })));
    const run = fakeClient(server, { backoff: { maxAttempts: 3 } }).novachat("down");
    const seen = record(run);
    const error = await run.done.catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "gave_up" });
    expect(seen.reconnecting.map((r) => r.attempt)).toEqual([1, 2, 3]);
    expect(seen.disconnected).toEqual([{ reason: "failed", error }]);
  });

  it("does not retry a 404 on resume", async () => {
    const server = new FakeServer([nova]);
    server.faults.push({ cutAfterBytes: 5000 }, { status: 404 });
    const error = await fakeClient(server)
      .novachat("gone")
      .done.catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "http", status: 404 });
  });

  it("reconnects when the stream goes silent past the idle timeout", async () => {
    const server = new FakeServer([nova]);
    server.faults.push({ stallAfterBytes: 3000 });
    const run = fakeClient(server, { idleTimeoutMs: 50 }).novachat("silent");
    const seen = record(run);
    await run.done;
    expect(seen.events).toEqual(nova);
    expect(seen.reconnecting[0].error.message).toMatch(/no data for 50 ms/);
  });

  it("dropConnection() mid-run resumes from the last delivered id with nothing lost", async () => {
    const server = new FakeServer([nova]);
    const run = fakeClient(server).novachat("drop");
    const seen = record(run);
    let dropped = false;
    run.on("event", (event) => {
      if (event.id === 40) dropped = run.dropConnection();
    });
    await run.done;
    expect(dropped).toBe(true);
    expect(seen.events).toEqual(nova);
    expect(seen.reconnecting.map((r) => r.afterId)).toEqual([40]);
    expect(run.dropConnection()).toBe(false);
  });
});

describe("client: close and cancel", () => {
  it("close() stops the run's stream: done rejects with code closed, and no request follows", async () => {
    const server = new FakeServer([nova]);
    const run = fakeClient(server).novachat("close");
    const seen = record(run);
    run.on("event", (event) => {
      if (event.id === 10) run.close();
    });
    const error = await run.done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientError);
    expect(error).toMatchObject({ code: "closed" });
    expect(idsOf(seen.events)).toEqual(range(1, 10));
    expect(seen.disconnected).toEqual([{ reason: "closed", error }]);
    expect(server.requests).toHaveLength(1);
  });

  it("cancel() posts to the session's cancel route with the token", async () => {
    const server = new FakeServer([nova]);
    const client = fakeClient(server, { token: "jwt" });
    const run = client.novachat("cancel me");
    const { sessionId } = await run.started;
    expect(await client.cancel(sessionId)).toBe(true);
    const [cancel] = server.requestsTo(/cancel$/);
    expect(cancel.method).toBe("POST");
    expect(cancel.url.pathname).toBe(`/sessions/${sessionId}/cancel`);
    expect(cancel.headers.get("Authorization")).toBe("Bearer jwt");
    await run.done;
  });

  it("run.cancel() cancels while the run is active, and is a no-op once it completed", async () => {
    const server = new FakeServer([nova]);
    server.faults.push({ stallAfterBytes: 2000 });
    const run = fakeClient(server).novachat("cancel");
    const { sessionId } = await run.started;
    expect(await run.cancel()).toBe(true);
    expect(server.requestsTo(/cancel$/).map((r) => r.url.pathname)).toEqual([`/sessions/${sessionId}/cancel`]);
    run.close();
    await expect(run.done).rejects.toMatchObject({ code: "closed" });

    const finished = fakeClient(new FakeServer([nova])).novachat("done");
    await finished.done;
    expect(await finished.cancel()).toBe(false);
  });
});

describe("client: handlers, view and integrity", () => {
  it("calls typed handlers per event type, and keeps delivering when one throws", async () => {
    // Where the runtime has reportError (browsers, Deno), handler errors go there instead.
    vi.stubGlobal("reportError", undefined);
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const server = new FakeServer([nova]);
    const chunks: StreamEvent<"llm_chunk">[] = [];
    const run = fakeClient(server).novachat("handlers", {
      handlers: {
        llm_chunk: (e) => chunks.push(e),
        agent_start: () => {
          throw new Error("app bug");
        },
      },
    });
    const completes: string[] = [];
    run.on("agent_complete", (e) => completes.push(e.payload.text ?? ""));
    const result = await run.done;
    expect(chunks).toEqual(nova.filter((e) => e.event_type === "llm_chunk"));
    expect(completes).toEqual(Object.values(result.texts));
    expect(errors).toHaveBeenCalledTimes(6);
  });

  it("drops the output of a failed attempt and still verifies", async () => {
    const events = withFailedAttempt(nova, "content_agent");
    const server = new FakeServer([events]);
    server.faults.push({ cutAfterBytes: 30_000 });
    const run = fakeClient(server).novachat("retry");
    const statuses: string[] = [];
    run.on("event", (e) => {
      if (e.agent_source === "content_agent") statuses.push(run.view.agents.content_agent.status);
    });
    const result = await run.done;
    expect(new Set(statuses)).toEqual(new Set(["running", "retrying", "completed"]));
    expect(run.view.agents.content_agent.errors).toMatchObject([{ will_retry: true, discarded_chars: 22 }]);
    expect(result.texts.content_agent).not.toContain("garbled");
  });

  it("raises an IntegrityError when the rebuilt text differs from the server's", async () => {
    const server = new FakeServer([withCorruptedChunk(nova, "insight_agent")]);
    const run = fakeClient(server).novachat("corrupt");
    const seen = record(run);
    let sawRunComplete = false;
    run.on("run_complete", () => {
      sawRunComplete = true;
    });
    const error = await run.done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IntegrityError);
    expect((error as IntegrityError).mismatches.map((m) => [m.agent, m.check])).toEqual([
      ["insight_agent", "agent_complete_text"],
      ["insight_agent", "summary_chars"],
    ]);
    expect(sawRunComplete).toBe(true);
    expect(run.integrity).toBe("failed");
    expect(seen.disconnected).toEqual([{ reason: "failed", error }]);
  });
});
