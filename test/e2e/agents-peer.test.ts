/**
 * The Agents SDK peer of the bench (bench/agents-peer/) under `wrangler dev`, from Node: it builds
 * and runs on the project's wrangler and workerd, streams the fake model's answer chunk by chunk
 * over the SDK's WebSocket protocol, resumes an active stream on a new socket without losing or
 * repeating a chunk, and counts the rows it writes (the bench's storage figure). No browser.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatRequest, chatUrl, type FollowResult, followChat } from "../../bench/agents-peer/chat-client.mjs";
import { freePort } from "../helpers/free-port";
import { stopProcessGroup } from "../helpers/process-group";

const ROOT = resolve(import.meta.dirname, "../..");
const WRANGLER = resolve(ROOT, "node_modules/.bin/wrangler");
/** Longest wait for the first answer (wrangler bundles the SDK first). */
const START_TIMEOUT_MS = 120_000;

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

let child: ChildProcess | undefined;
let base = "";
const persistTo = mkdtempSync(join(tmpdir(), "edge-stream-agents-peer-"));

beforeAll(async () => {
  const port = await freePort();
  const inspector = await freePort();
  const args = ["dev", "-c", "bench/agents-peer/wrangler.toml", "--ip", "127.0.0.1", "--port", String(port)];
  args.push("--inspector-port", String(inspector), "--persist-to", persistTo);
  child = spawn(WRANGLER, args, {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true", NO_COLOR: "1" },
  });
  let output = "";
  const keep = (d: Buffer) => {
    output = (output + d).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited early:\n${output}`);
    if (Date.now() > deadline) throw new Error(`wrangler dev did not answer:\n${output}`);
    const ready = await fetch(`${base}/health`).then(
      (res) => res.ok,
      () => false,
    );
    if (ready) break;
    await sleep(250);
  }
});

afterAll(async () => {
  await stopProcessGroup(child);
  rmSync(persistTo, { recursive: true, force: true });
});

/** Rows the chat object `name` has written since it started (counted by the runtime). */
async function rowsWritten(name: string): Promise<number> {
  const res = await fetch(`${base}/agents/agents-peer/${name}/rows-written`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { rows_written: number }).rows_written;
}

/** Every chunk of a `chunks`-chunk answer arrived exactly once, in order, and the answer ended. */
function expectWhole(result: FollowResult, chunks: number) {
  expect(result.error).toBeUndefined();
  expect(result.done).toBe(true);
  expect({ next: result.next, lost: result.lost, duplicates: result.duplicates, wrong: result.wrong }).toEqual({
    next: chunks,
    lost: 0,
    duplicates: 0,
    wrong: 0,
  });
}

describe("Agents SDK peer under wrangler dev", () => {
  it("streams the fake model's answer chunk by chunk over the SDK's socket", async () => {
    const result = await followChat(chatUrl(base, "stream"), { request: chatRequest("r1", { chunks: 50, paceMs: 2 }) });
    expectWhole(result, 50);
    expect(result.deltas).toBe(50);
  });

  it("resumes an active stream on a new socket: the stored chunks, then the live ones", async () => {
    const url = chatUrl(base, "resume");
    const before = await rowsWritten("resume");
    const request = chatRequest("r2", { chunks: 60, paceMs: 20 });
    const first = await followChat(url, { request, until: (r) => r.next >= 15 });
    expect(first.next).toBeGreaterThanOrEqual(15);
    expect(first.done).toBe(false);
    await sleep(100);
    const second = await followChat(url);
    expect(second.resumed).toBe(true);
    expect(second.replayed).toBeGreaterThanOrEqual(15);
    expectWhole(second, 60);
    // The turn's writes: at least its 60 chunks packed ten a row (plus messages and bookkeeping).
    expect((await rowsWritten("resume")) - before).toBeGreaterThanOrEqual(6);
  });

  it("answers an unknown path with a JSON 404, an unknown agent with the SDK's 400", async () => {
    const res = await fetch(`${base}/nope`);
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe("not_found");
    expect((await fetch(`${base}/agents/no-such-agent/x`)).status).toBe(400);
  });
});
