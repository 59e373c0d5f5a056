/**
 * The test side of the fake OpenAI endpoint (test/helpers/fake-openai.ts), safe to import inside
 * workerd: builds scenario directives for a message and reads what the fake endpoint saw.
 */
import { env } from "cloudflare:test";
import { type FakeRequestRecord, readFakeRequests, waitForFakeRequests } from "./fake-openai-log";

/** A fresh scenario id, so attempt counters never leak between tests. */
export function scenarioId(name: string): string {
  return `${name}-${crypto.randomUUID().slice(0, 8)}`;
}

/** One `[[fake ...]]` directive (see fake-openai-directives.ts for the grammar). */
export function fake(scenario: string, params: Record<string, string | number> = {}): string {
  const pairs = Object.entries(params).map(([key, value]) => `${key}=${value}`);
  return `[[fake scenario=${scenario}${pairs.length ? ` ${pairs.join(" ")}` : ""}]]`;
}

function origin(): string {
  const base = (env as unknown as Record<string, string>).OPENAI_BASE_URL;
  return new URL(base).origin;
}

/** Every request the fake endpoint received for `scenario`, in arrival order. */
export function fakeRequests(scenario: string): Promise<FakeRequestRecord[]> {
  return readFakeRequests(origin(), scenario);
}

/** Polls the fake endpoint until `check` holds for the scenario's requests (or fails after `timeoutMs`). */
export function waitForRequests(
  scenario: string,
  check: (records: FakeRequestRecord[]) => boolean,
  timeoutMs = 15_000,
): Promise<FakeRequestRecord[]> {
  return waitForFakeRequests(origin(), scenario, check, timeoutMs);
}
