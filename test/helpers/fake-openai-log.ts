/**
 * What the fake OpenAI endpoint (./fake-openai.ts) recorded, read over HTTP from workerd or Node:
 * every request it received for a scenario, and a wait until those requests show something. Inside
 * workerd, ./fake-control.ts finds the endpoint's origin from the bindings.
 */
import { vi } from "vitest";

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

/** How often a wait looks at the endpoint's records, ms: answers are paced in tens of ms. */
const POLL_INTERVAL_MS = 25;

/** Every request the endpoint at `origin` received for `scenario`, in arrival order. */
export async function readFakeRequests(origin: string, scenario: string): Promise<FakeRequestRecord[]> {
  const res = await fetch(`${origin}/__fake/requests?scenario=${encodeURIComponent(scenario)}`);
  return (await res.json()) as FakeRequestRecord[];
}

/** Polls the endpoint until `check` holds for the scenario's requests; fails after `timeoutMs`. */
export function waitForFakeRequests(
  origin: string,
  scenario: string,
  check: (records: FakeRequestRecord[]) => boolean,
  timeoutMs: number,
): Promise<FakeRequestRecord[]> {
  return vi.waitFor(
    async () => {
      const records = await readFakeRequests(origin, scenario);
      if (check(records)) return records;
      const seen = records.map((r) => [r.agent, r.outcome, r.client_closed]);
      throw new Error(`fake endpoint: condition not met for ${scenario} in ${timeoutMs} ms: ${JSON.stringify(seen)}`);
    },
    { timeout: timeoutMs, interval: POLL_INTERVAL_MS },
  );
}
