/**
 * The test side of the fake OpenAI endpoint (test/helpers/fake-openai.ts), safe to import inside
 * workerd: builds scenario directives for a message and reads what the fake endpoint saw.
 */
import { env } from "cloudflare:test";

/** What the fake endpoint recorded about one request. */
export interface FakeRequestRecord {
  seq: number;
  scenario: string;
  /** The agent, as named by the first sentence of the system prompt ("insight agent"). */
  agent: string;
  model: string;
  messages: { role: string; content: string }[];
  /** Epoch ms when the request arrived. */
  received_at: number;
  /** completed, status_<code>, cut, malformed, stall, content_filter, client_closed, pending. */
  outcome: string;
  chunks_sent: number;
  /** The client closed the connection before the answer ended (an abort reached upstream). */
  client_closed: boolean;
}

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
export async function fakeRequests(scenario: string): Promise<FakeRequestRecord[]> {
  const res = await fetch(`${origin()}/__fake/requests?scenario=${encodeURIComponent(scenario)}`);
  return (await res.json()) as FakeRequestRecord[];
}

/** Polls the fake endpoint until `check` holds for the scenario's requests (or fails after `timeoutMs`). */
export async function waitForRequests(
  scenario: string,
  check: (records: FakeRequestRecord[]) => boolean,
  timeoutMs = 15_000,
): Promise<FakeRequestRecord[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const records = await fakeRequests(scenario);
    if (check(records)) return records;
    if (Date.now() > deadline)
      throw new Error(
        `fake endpoint: condition not met for ${scenario}: ${JSON.stringify(records.map((r) => [r.agent, r.outcome, r.client_closed]))}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
