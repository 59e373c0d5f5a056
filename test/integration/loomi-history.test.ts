/**
 * Loomi's history budget end to end on a real Session over the object's SQLite storage: each turn
 * sends upstream only the newest exchanges that fit LOOMI_HISTORY_CHARS (set tiny here), read
 * from storage newest first, and never reads the turns table to its start.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { expect, it, vi } from "vitest";
import { OMITTED_NOTE } from "../../src/agents/history-budget";
import { loadConfig } from "../../src/env";
import type { ChatMessage } from "../../src/llm/provider";
import { MODES } from "../../src/protocol/events";
import { Session } from "../../src/session/session";
import type { SessionObject } from "../../src/session/session-object";
import { SessionStore } from "../../src/session/session-store";
import { RecordingModel } from "../helpers/recording-model";

/** Three 60-character exchanges fit; with the note, two. */
const BUDGET = 200;
const TURNS = 8;

const message = (turn: number) => `message ${turn}`.padEnd(30, ".");
const reply = (turn: number) => `reply ${turn}`.padEnd(30, ".");
const exchange = (turn: number): ChatMessage[] => [
  { role: "user", content: message(turn) },
  { role: "assistant", content: reply(turn) },
];

async function idle(session: Session): Promise<void> {
  await vi.waitFor(
    () => {
      const snapshot = session.snapshot("u");
      if (!(snapshot.ok && snapshot.status === "idle")) throw new Error("the run did not end");
    },
    { timeout: 5_000, interval: 10 },
  );
}

it("sends each Loomi turn the newest exchanges that fit LOOMI_HISTORY_CHARS, and the note for the rest", async () => {
  const namespace = env.SESSIONS as DurableObjectNamespace<SessionObject>;
  await runInDurableObject(namespace.get(namespace.newUniqueId()), async (_object, state) => {
    const llm = new RecordingModel(reply);
    const session = new Session({
      sql: state.storage.sql,
      transactionSync: (fn) => state.storage.transactionSync(fn),
      config: { ...loadConfig(env), loomiHistoryChars: BUDGET },
      llm,
      setAlarm: () => {},
      deleteAll: async () => {},
      sockets: () => [],
      restart: async () => {},
    });
    for (let turn = 0; turn < TURNS; turn++) {
      const input = { sessionId: "s", userId: "u", mode: MODES.LOOMI, message: message(turn), options: {} };
      expect(session.startRun({ ...input, create: turn === 0 }).ok).toBe(true);
      await idle(session);
    }

    expect(llm.requests).toHaveLength(TURNS);
    llm.requests.forEach((request, turn) => {
      const history = request.slice(1, -1);
      const kept = turn <= 3 ? turn : 2;
      const expected = Array.from({ length: kept }, (_, i) => exchange(turn - kept + i)).flat();
      expect(history, `turn ${turn}`).toEqual(
        turn <= 3 ? expected : [{ role: "system", content: OMITTED_NOTE }, ...expected],
      );
      expect(history.reduce((sum, m) => sum + m.content.length, 0)).toBeLessThanOrEqual(BUDGET);
      expect(request.at(-1)).toEqual({ role: "user", content: message(turn) });
    });

    // The store reads lazily: taking the newest two turns reads three rows (one to see where the
    // second turn ends; the runtime's cursor may step one further), not all sixteen.
    let cursor: SqlStorageCursor<Record<string, SqlStorageValue>> | undefined;
    const sql = state.storage.sql;
    const spy = {
      exec: (query: string, ...bindings: unknown[]) => {
        cursor = sql.exec(query, ...bindings);
        return cursor;
      },
    } as unknown as SqlStorage;
    const turns = new SessionStore(spy).newestTurns();
    const newest = [turns.next().value, turns.next().value];
    expect(newest).toEqual(exchange(TURNS - 1).reverse());
    expect(cursor?.rowsRead).toBeLessThanOrEqual(4);
  });
});
