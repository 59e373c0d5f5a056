/**
 * The client on Node's own fetch (undici) against a real HTTP server on 127.0.0.1, where the other
 * client tests use an in-memory fetch: `done` settles as soon as `run_complete` arrives. It used to
 * wait for the idle timeout, since undici leaves a pending read unsettled when a request is aborted
 * after its whole body arrived, and the client aborts at `run_complete`.
 */
import { createClient } from "@edge-stream/client";
import { afterEach, describe, expect, it } from "vitest";
import { FakeServer } from "../helpers/fake-server";
import { type HttpBridge, serveOverHttp } from "../helpers/http-bridge";
import { recording } from "../helpers/recorded";

const nova = recording("nova3-run");
let http: HttpBridge | undefined;

afterEach(async () => {
  await http?.close();
  http = undefined;
});

async function followOnce(server: FakeServer, detached: boolean): Promise<{ settleMs: number; ids: number[] }> {
  http = await serveOverHttp(server.fetch);
  // An idle timeout far past the test's own timeout: a run that waits for it fails the test.
  const client = createClient({ baseUrl: http.url, idleTimeoutMs: 60_000, detached, backoff: { initialMs: 10 } });
  const run = client.novachat("node fetch");
  const ids: number[] = [];
  let completedAt = 0;
  run.on("event", (event) => ids.push(event.id));
  run.on("run_complete", () => {
    completedAt = Date.now();
  });
  const result = await run.done;
  expect(result.status).toBe("completed");
  expect(run.integrity).toBe("verified");
  return { settleMs: Date.now() - completedAt, ids };
}

describe("client on Node's fetch over real HTTP", () => {
  it.each([false, true])("settles done right after run_complete (detached %s)", async (detached) => {
    const { settleMs, ids } = await followOnce(new FakeServer([nova]), detached);
    expect(ids).toEqual(nova.map((e) => e.id));
    expect(settleMs).toBeLessThan(2_000);
  });

  it("resumes a cut stream from Last-Event-ID and settles at run_complete", async () => {
    const server = new FakeServer([nova]);
    server.faults.push({ cutAfterBytes: 15_000 });
    const { settleMs, ids } = await followOnce(server, false);
    expect(ids).toEqual(nova.map((e) => e.id));
    expect(settleMs).toBeLessThan(2_000);
    const resumes = server.requestsTo(/\/events$/);
    expect(resumes).toHaveLength(1);
    expect(Number(resumes[0].headers.get("Last-Event-ID"))).toBeGreaterThan(1);
  });
});
