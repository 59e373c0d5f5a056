/**
 * Scenario 1, server killed mid-run: `wrangler dev` with persisted state is SIGKILLed while a
 * Nova3 run streams, then started again on the same state. The run resumes from its checkpoint;
 * a client that reconnects with its Last-Event-ID receives the rest, with no id repeated or
 * skipped, and the text it reconstructs equals the final text.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import type { StreamEvent } from "../../src/protocol/events";
import { reconstructTexts } from "../../src/protocol/reconstruct";
import { audit, readFrom } from "../helpers/delivery-audit";
import { type DevServer, startDevServer } from "../helpers/dev-server";
import { record } from "../helpers/fault-report";
import { freePort } from "../helpers/free-port";
import { bearer } from "../helpers/tokens";

const KILLS = Number(process.env.FAULT_KILLS ?? 3);
const VARS = { DEMO_TOKEN_DELAY_MS: "20", DEMO_TOKENS: "50" };

const dirs: string[] = [];
let server: DevServer | undefined;

afterAll(async () => {
  await server?.kill("SIGKILL");
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

it(`resumes a run killed mid-stream ${KILLS} times with nothing lost or repeated`, async () => {
  let eventsChecked = 0;
  let lost = 0;
  let duplicated = 0;
  let maxRecoveryMs = 0;
  const auth = await bearer("kill-tester");
  for (let k = 0; k < KILLS; k++) {
    const dir = mkdtempSync(join(tmpdir(), "faults-kill-"));
    dirs.push(dir);
    const port = await freePort();
    server = await startDevServer({ persistTo: dir, port, vars: VARS });
    const start = await fetch(`${server.url}/novachat`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json", ...auth },
      body: JSON.stringify({ message: `kill test ${k}` }),
    });
    const { session_id } = (await start.json()) as { session_id: string };
    const eventsUrl = `${server.url}/sessions/${session_id}/events`;

    // Read part of the run, then kill the whole server process group without warning.
    const before = await readFrom(eventsUrl, 0, auth, 3 + Math.floor(Math.random() * 20));
    await server.kill("SIGKILL");
    const received: StreamEvent[] = [...before.events];
    expect(received.length).toBeGreaterThan(0);
    expect(received.some((e) => e.event_type === "run_complete")).toBe(false);

    const restartedAt = performance.now();
    server = await startDevServer({ persistTo: dir, port, vars: VARS });
    let recovery = -1;
    for (let attempt = 0; attempt < 20; attempt++) {
      const lastId = received.at(-1)?.id ?? 0;
      const { events, status } = await readFrom(eventsUrl, lastId, auth);
      if (recovery < 0 && events.length > 0) recovery = Math.round(performance.now() - restartedAt);
      received.push(...events);
      if (received.at(-1)?.event_type === "run_complete" || status === 204) break;
    }
    await server.kill("SIGKILL");
    server = undefined;

    const result = audit(received);
    const last = received.at(-1);
    expect(last?.event_type).toBe("run_complete");
    expect(last?.event_type === "run_complete" && last.payload.status).toBe("completed");
    expect(result).toEqual({ lost: 0, duplicated: 0, mismatches: [] });
    const content = last?.event_type === "run_complete" ? last.payload.content : "";
    expect(reconstructTexts(received).optimization_agent).toBe(content);
    eventsChecked += received.length;
    lost += result.lost;
    duplicated += result.duplicated;
    maxRecoveryMs = Math.max(maxRecoveryMs, recovery);
  }
  record({
    scenario: "1 server killed mid-run",
    runs: KILLS,
    eventsChecked,
    lost,
    duplicated,
    maxRecoveryMs,
    notes:
      "SIGKILL of wrangler+workerd, restart on the same persisted state; recovery = restart start to first resumed event",
  });
});
