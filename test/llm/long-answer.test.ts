/**
 * A 5 MB answer through a run: streamed by the real openai client from the fake endpoint, the
 * session object killed mid-answer and resumed by its alarm, the whole log replayed, the stored
 * texts (snapshot, conversation history) read back. Nothing is lost (every rebuilt text equals what the
 * endpoint sent) and no stored value comes near SQLite's 2 MB limit on one value.
 */
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import { ERROR_TYPES, EVENT_TYPES, MAX_EVENT_TEXT_CHARS, type StreamEvent } from "../../src/protocol/events";
import { findIntegrityMismatches, reconstructTexts } from "../../src/protocol/reconstruct";
import { textDigest } from "../../src/protocol/text-digest";
import type { SessionObject } from "../../src/session/session-object";
import { SessionStore } from "../../src/session/session-store";
import { api, startDetached } from "../helpers/api";
import { fake, fakeRequests, scenarioId } from "../helpers/fake-control";
import { fakeAnswer } from "../helpers/fake-text";
import { eventsOf, readUntil, readWholeRun } from "../helpers/run-events";

/** 320 chunks of 16 Ki characters after the label: 5 MiB of UTF-16 units, about 6.3 MB of UTF-8. */
const TOKENS = 321;
const CHARS = 16 * 1024;
const AGENT = "loomi_concierge";
/** Well under SQLite's 2 MB: the largest value any table may hold here. */
const MAX_STORED_BYTES = 1024 * 1024;

function stubOf(sessionId: string): DurableObjectStub<SessionObject> {
  const namespace = env.SESSIONS as DurableObjectNamespace<SessionObject>;
  return namespace.get(namespace.idFromName(sessionId));
}

/** The largest value in bytes of each stored column that holds text. */
async function largestStored(sessionId: string): Promise<Record<string, number>> {
  return runInDurableObject(stubOf(sessionId), (_object, state) => {
    const max = (sql: string) => state.storage.sql.exec<{ m: number | null }>(sql).one().m ?? 0;
    return {
      "events.json": max("SELECT MAX(length(CAST(json AS BLOB))) AS m FROM events"),
      "run_text.chunk": max("SELECT MAX(length(CAST(chunk AS BLOB))) AS m FROM run_text"),
      "turns.content": max("SELECT MAX(length(CAST(content AS BLOB))) AS m FROM turns"),
      "runs.state": max("SELECT MAX(length(CAST(state AS BLOB))) AS m FROM runs"),
    };
  });
}

it("streams a 5 MB answer through a restart and a replay, and loses nothing", { timeout: 120_000 }, async () => {
  const s = scenarioId("long-answer");
  const startedAt = Date.now();
  const started = await startDetached("loomichat", {
    message: `Tell me everything ${fake(s, { tokens: TOKENS, chars: CHARS, delay: 20 })}`,
  });
  const id = started.session_id;

  // Mid-answer (at 20 ms a chunk an attempt takes 6 s), with some of it in the log: kill the
  // object, as an eviction would.
  const shown = await readUntil(id, (e) => e.event_type === EVENT_TYPES.LLM_CHUNK && e.agent_source === AGENT);
  await runInDurableObject(stubOf(id), (_object, state) => state.abort()).catch(() => {});
  expect(await runDurableObjectAlarm(stubOf(id))).toBe(true);

  const events = await readWholeRun(id);
  const streamedMs = Date.now() - startedAt;
  const [first, second] = await fakeRequests(s);
  expect([first.outcome, first.chunks_sent < TOKENS, second.outcome]).toEqual(["client_closed", true, "completed"]);
  const answer = fakeAnswer(TOKENS, second.agent, second.model, CHARS);
  expect(answer.length).toBeGreaterThanOrEqual(5 * 1024 * 1024);

  // The replay rebuilds exactly what the endpoint sent, with the cut-off attempt's text dropped.
  const complete = events[events.length - 1] as StreamEvent<"run_complete">;
  expect(complete.payload.status).toBe("completed");
  expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
  expect(reconstructTexts(events)[AGENT]).toBe(answer);
  expect(findIntegrityMismatches(events)).toEqual([]);
  const [interrupted] = eventsOf(events, EVENT_TYPES.ERROR, AGENT);
  expect(interrupted.payload.error_type).toBe(ERROR_TYPES.INTERRUPTED);
  expect(interrupted.payload.discarded_chars).toBeGreaterThanOrEqual(reconstructTexts(shown)[AGENT].length);

  // No event carries the whole answer: the summing-up events give its length and digest.
  const [done] = eventsOf(events, EVENT_TYPES.AGENT_COMPLETE, AGENT);
  expect(done.payload).not.toHaveProperty("text");
  expect(done.payload).toMatchObject({ chars: answer.length, digest: textDigest(answer) });
  expect(complete.payload).not.toHaveProperty("content");
  expect(complete.payload).toMatchObject({ content_chars: answer.length, content_digest: textDigest(answer) });
  for (const chunk of eventsOf(events, EVENT_TYPES.LLM_CHUNK)) {
    expect(chunk.payload.content.length).toBeLessThanOrEqual(MAX_EVENT_TEXT_CHARS);
  }

  // Stored in bounded pieces, and whole again when read back: the snapshot and the next turn's history.
  const stored = await largestStored(id);
  for (const bytes of Object.values(stored)) expect(bytes).toBeLessThan(MAX_STORED_BYTES);
  const readStartedAt = Date.now();
  const snapshot = (await (await api(`/sessions/${id}`)).json()) as {
    runs: { content: string; agents: Record<string, { text: string }> }[];
  };
  expect(snapshot.runs[0].agents[AGENT].text).toBe(answer);
  expect(snapshot.runs[0].content).toBe(answer);
  // The conversation a next turn is given (Loomi's history) holds the answer whole, from its chunked rows.
  const turns = await runInDurableObject(stubOf(id), (_object, state) =>
    [...new SessionStore(state.storage.sql).newestTurns()].reverse(),
  );
  expect(turns.map((t) => t.role)).toEqual(["user", "assistant"]);
  expect(turns[1].content).toBe(answer);

  console.info(
    `long answer: ${answer.length} UTF-16 units, ${new TextEncoder().encode(answer).length} UTF-8 bytes, ` +
      `${events.length} events; start to replayed end ${streamedMs} ms, snapshot and history read back ${Date.now() - readStartedAt} ms; ` +
      `largest stored values ${JSON.stringify(stored)}`,
  );
});
