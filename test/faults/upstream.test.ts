import { afterAll, beforeAll, expect, it } from "vitest";
import { NOVA3_AGENTS } from "../../src/agents/nova3-pipeline";
import type { StreamEvent } from "../../src/protocol/events";
import { audit } from "../helpers/delivery-audit";
import { startTempDevServer, type TempDevServer } from "../helpers/dev-server";
import { type FakeOpenAi, startFakeOpenAi } from "../helpers/fake-openai";
import { record } from "../helpers/fault-report";
import { readSse } from "../helpers/sse";
import { bearer } from "../helpers/tokens";

const RUNS = Number(process.env.FAULT_UPSTREAM_RUNS ?? 100);
const CONCURRENCY = 8;
/** A run that has not ended by then counts as hung. */
const RUN_DEADLINE_MS = 60_000;

const FAULTS = [
  "status=429 retry-after=0",
  "status=500",
  "status=503 times=all",
  "drop=1",
  "cut=3",
  "malformed=2",
  "stall=2",
  "filter=2",
  "status=401",
];

let fake: FakeOpenAi;
let server: TempDevServer;

beforeAll(async () => {
  fake = await startFakeOpenAi();
  server = await startTempDevServer("faults-upstream", {
    LLM_PROVIDER: "openai",
    OPENAI_API_KEY: "test-key",
    OPENAI_BASE_URL: `http://127.0.0.1:${fake.port}/v1`,
    LLM_MODEL: "fake-main",
    LLM_IDLE_TIMEOUT_MS: "400",
    LLM_RETRY_BASE_MS: "20",
    LLM_RETRY_MAX_MS: "200",
    CHUNK_WINDOW_MS: "5",
    // One test user starts every run: lift the per-user limits, which are not under test here.
    MAX_RUNS_PER_USER: "50",
    RUN_RATE_PER_MINUTE: "6000",
    RUN_BURST: "500",
  });
});

afterAll(async () => {
  await server?.stop();
  await fake?.close();
});

const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)];

/** A message carrying 0-3 random faults aimed at random agents. */
function chaosMessage(i: number): string {
  const directives = Array.from({ length: Math.floor(Math.random() * 4) }, () => {
    return `[[fake scenario=chaos-${i} agent=${pick(NOVA3_AGENTS)} tokens=6 ${pick(FAULTS)}]]`;
  });
  return `Chaos run ${i}. ${directives.join(" ")}`;
}

interface Outcome {
  httpStatus: number;
  events: StreamEvent[];
  status: string;
}

async function chaosRun(i: number): Promise<Outcome> {
  const res = await fetch(`${server.url}/novachat`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(await bearer(`chaos-${i % CONCURRENCY}`)) },
    body: JSON.stringify({ message: chaosMessage(i) }),
    signal: AbortSignal.timeout(RUN_DEADLINE_MS),
  });
  if (res.status !== 200) return { httpStatus: res.status, events: [], status: "http" };
  const { events } = await readSse(res);
  const last = events.at(-1);
  return { httpStatus: 200, events, status: last?.event_type === "run_complete" ? last.payload.status : "hung" };
}

it(`ends all ${RUNS} runs cleanly under random upstream failures`, async () => {
  const outcomes: Outcome[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < RUNS) outcomes.push(await chaosRun(next++));
    }),
  );
  const counts: Record<string, number> = {};
  let retries = 0;
  let eventsChecked = 0;
  for (const outcome of outcomes) {
    counts[outcome.status] = (counts[outcome.status] ?? 0) + 1;
    expect(outcome.httpStatus).toBe(200);
    expect(["completed", "partial", "failed"]).toContain(outcome.status);
    const errors = outcome.events.filter((e) => e.event_type === "error");
    if (outcome.status !== "completed") expect(errors.length).toBeGreaterThan(0);
    retries += errors.filter((e) => e.event_type === "error" && e.payload.will_retry).length;
    expect(audit(outcome.events, outcome.events[0]?.id ?? 1)).toEqual({ lost: 0, duplicated: 0, mismatches: [] });
    eventsChecked += outcome.events.length;
  }
  expect(retries).toBeGreaterThan(0);
  record({
    scenario: "3 upstream LLM failures",
    runs: outcomes.length,
    eventsChecked,
    lost: 0,
    duplicated: 0,
    maxRecoveryMs: 0,
    notes: `outcomes ${JSON.stringify(counts)}; ${retries} visible retries; 0 hung, 0 5xx`,
  });
});
