import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { findIntegrityMismatches } from "../../src/protocol/reconstruct";
import { startTempDevServer, type TempDevServer } from "../helpers/dev-server";
import { record } from "../helpers/fault-report";
import { sleep } from "../helpers/sleep";
import { timedRun } from "../helpers/timed-run";
import { bearer } from "../helpers/tokens";

/** A well-behaved client's first event must arrive within this, ms, while the server is under attack. */
const FIRST_EVENT_BUDGET_MS = 2000;
const IDLE_CONNECTIONS = 1500;
const ABANDONED_READERS = 300;
const SLOWLORIS = 200;
const OVERSIZED_HEADERS = 20;

let server: TempDevServer;
const sockets: Socket[] = [];

beforeAll(async () => {
  server = await startTempDevServer("faults-hostile", { DEMO_TOKEN_DELAY_MS: "5" });
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await server?.stop();
});

function open(port: number, write?: string): Socket {
  const socket = connect({ host: "127.0.0.1", port });
  socket.on("error", () => {});
  if (write !== undefined) socket.write(write);
  sockets.push(socket);
  return socket;
}

it("keeps serving a well-behaved client under hostile connections", async () => {
  const auth = await bearer("well-behaved");
  const baseline = await timedRun(server.url, "baseline before the attack", auth);
  expect(findIntegrityMismatches(baseline.events)).toEqual([]);

  const { port } = server;
  // The attackers hold a valid token of their own (another user): they are refused at the limits.
  const attackerAuth = `Authorization: ${(await bearer("attacker")).Authorization}\r\n`;
  const host = `Host: 127.0.0.1:${port}\r\n`;
  for (let i = 0; i < IDLE_CONNECTIONS; i++) open(port);
  for (let i = 0; i < ABANDONED_READERS; i++) {
    // Asks for a session's whole log and never reads the answer.
    open(port, `GET /sessions/${baseline.sessionId}/events HTTP/1.1\r\n${host}${attackerAuth}\r\n`).pause();
  }
  const slow: Socket[] = [];
  for (let i = 0; i < SLOWLORIS; i++) {
    const header = `POST /novachat HTTP/1.1\r\n${host}Content-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{"message":"`;
    slow.push(open(port, header.slice(0, 20)));
  }
  const drip = setInterval(() => {
    for (const s of slow) s.write("x");
  }, 500);
  for (let i = 0; i < OVERSIZED_HEADERS; i++) {
    open(port, `GET /health HTTP/1.1\r\n${host}X-Big: ${"a".repeat(200_000)}\r\n\r\n`);
  }
  await sleep(2000);

  try {
    const underAttack = await timedRun(server.url, "during the attack", auth);
    expect(findIntegrityMismatches(underAttack.events)).toEqual([]);
    expect(underAttack.status).toBe("completed");
    expect(underAttack.firstEventMs).toBeLessThan(FIRST_EVENT_BUDGET_MS);
    record({
      scenario: "5 hostile clients",
      runs: 2,
      eventsChecked: baseline.events.length + underAttack.events.length,
      lost: 0,
      duplicated: 0,
      maxRecoveryMs: 0,
      notes: `${IDLE_CONNECTIONS} idle + ${ABANDONED_READERS} unread + ${SLOWLORIS} slowloris + ${OVERSIZED_HEADERS} huge-header connections; first event ${baseline.firstEventMs} ms before, ${underAttack.firstEventMs} ms during (budget ${FIRST_EVENT_BUDGET_MS})`,
    });
  } finally {
    clearInterval(drip);
  }
  const health = await fetch(`${server.url}/health`);
  expect(health.status).toBe(200);
});
