/**
 * One user's traffic in the soak (test/faults/soak.test.ts): Nova3 and Loomi runs in a session,
 * each followed by a reader that leaves after a few events and one that reads to the end, some
 * runs cancelled, some sessions deleted and replaced. Every request goes through the loop's
 * SoakClient (bounded, timed out, retried with backoff); the loop stops at its deadline, or waits
 * at the load gate while a measurement is taken.
 */
import type { LoadGate } from "./load-gate";
import { sleep } from "./sleep";
import type { SoakClient } from "./soak-client";
import { emptyRead } from "./sse";

/** What the loops did, summed over every loop. */
export interface LoopStats {
  runs: number;
  cancels: number;
  deletes: number;
  /** Sessions left for a new one when they were full (413 session_full), as a client would. */
  sessionsFull: number;
}

const JSON_HEADERS = { "Content-Type": "application/json", Accept: "application/json" };
/** Share of runs cancelled, and of sessions deleted after a run. */
const CANCEL_SHARE = 0.15;
const DELETE_SHARE = 0.08;
/** First and longest pause between two looks at a session that is not idle yet, ms. */
const IDLE_POLL_MS = { first: 100, max: 1000 };

/** Waits until the session is idle (its run ended), or gone; fails after `timeoutMs`, showing it. */
export async function waitIdle(client: SoakClient, id: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (let pause = IDLE_POLL_MS.first; ; pause = Math.min(IDLE_POLL_MS.max, pause * 1.5)) {
    const answer = await client.request(`/sessions/${id}`);
    if (answer.status === 404) return;
    if (answer.status !== 200) throw new Error(`GET /sessions/${id} answered ${answer.status}: ${answer.text}`);
    if ((JSON.parse(answer.text) as { status: string }).status === "idle") return;
    if (Date.now() > until)
      throw new Error(`session ${id} not idle after ${timeoutMs} ms: ${answer.text.slice(0, 3000)}`);
    await sleep(pause);
  }
}

/** Awaits every promise, then throws the first failure (no request is left running unwatched). */
async function allOf(work: Promise<unknown>[]): Promise<void> {
  const failed = (await Promise.allSettled(work)).find((r) => r.status === "rejected");
  if (failed) throw failed.reason;
}

/** One run in session `id` (a new session when undefined) with its readers; the session it ran in. */
async function oneRun(client: SoakClient, id: string | undefined, stats: LoopStats, idleMs: number) {
  const mode = Math.random() < 0.5 ? "novachat" : "loomichat";
  const body = JSON.stringify({ message: `soak ${stats.runs}`, ...(id ? { session_id: id } : {}) });
  const answer = await client.request(`/${mode}`, { method: "POST", headers: JSON_HEADERS, body });
  // A start retried after a lost answer can find its first attempt's run still active.
  if (answer.status === 409 && id) return waitIdle(client, id, idleMs).then(() => id);
  if (answer.status === 413 && id) {
    stats.sessionsFull++;
    return undefined;
  }
  if (answer.status !== 202) throw new Error(`start answered ${answer.status}: ${answer.text.slice(0, 500)}`);
  const started = JSON.parse(answer.text) as { session_id: string; events_url: string };
  stats.runs++;
  const session = started.session_id;
  const work: Promise<unknown>[] = [
    client.readEvents(started.events_url, emptyRead(), 1 + Math.floor(Math.random() * 8)),
    client.readEvents(started.events_url, emptyRead()),
  ];
  const roll = Math.random();
  if (roll < CANCEL_SHARE) {
    stats.cancels++;
    const cancel = async () => {
      await sleep(Math.random() * 100);
      const answer = await client.request(`/sessions/${session}/cancel`, { method: "POST" });
      // 404: the run had already ended.
      if (answer.status !== 202 && answer.status !== 404) throw new Error(`cancel answered ${answer.status}`);
    };
    work.push(cancel());
  }
  await allOf(work).catch(async (error: unknown) => {
    const snapshot = await client.request(`/sessions/${session}`).catch((e: unknown) => ({ text: String(e) }));
    throw new Error(`${String(error)}; session ${session}: ${snapshot.text.slice(0, 3000)}`);
  });
  await waitIdle(client, session, idleMs);
  if (roll > 1 - DELETE_SHARE) {
    const deleted = await client.request(`/sessions/${session}`, { method: "DELETE" });
    // 404: a retried delete whose first attempt went through.
    if (deleted.status !== 204 && deleted.status !== 404) throw new Error(`delete answered ${deleted.status}`);
    stats.deletes++;
    return { deleted: session };
  }
  return session;
}

/**
 * Loops runs until `endsAt` (plus the time the gate was closed). Returns the sessions it leaves
 * alive. `idleMs` bounds how long a run may take to end (a stalled run is restarted by the
 * watchdog and must still end within it).
 */
export async function sessionLoop(
  client: SoakClient,
  gate: LoadGate,
  endsAt: number,
  stats: LoopStats,
  idleMs: number,
): Promise<Set<string>> {
  const live = new Set<string>();
  let id: string | undefined;
  gate.join();
  try {
    for (;;) {
      await gate.pass();
      if (Date.now() >= endsAt + gate.pausedMs) return live;
      const outcome = await oneRun(client, id, stats, idleMs);
      if (typeof outcome === "object") {
        live.delete(outcome.deleted);
        id = undefined;
      } else {
        id = outcome;
        if (id) live.add(id);
      }
    }
  } finally {
    gate.leave();
  }
}
