/**
 * A session with a large log, made inside its Durable Object: a run whose pipeline emits `events`
 * chunk events of `chars` characters at once and then stays active until cancelled
 * (`POST /sessions/:id/cancel`). Readers of it can be made to lag by megabytes, which the demo
 * model's short answers never do.
 */
import { env, runInDurableObject } from "cloudflare:test";
import type { Pipeline } from "../../src/agents/run-context";
import { EVENT_TYPES, MODES, RUN_STATUSES } from "../../src/protocol/events";
import type { Session } from "../../src/session/session";
import type { SessionObject } from "../../src/session/session-object";

export interface BigSession {
  sessionId: string;
  /** Id of the newest event once the burst is written. */
  head: number;
}

/**
 * Starts the run in a new session owned by `userId` (under `sessionId`: a deleted session's id can
 * be used again, as an AI SDK chat id's is); resolves once the burst is in the log.
 */
export async function startBigSession(
  userId: string,
  events: number,
  chars = 4000,
  sessionId: string = crypto.randomUUID(),
): Promise<BigSession> {
  const namespace = env.SESSIONS as DurableObjectNamespace<SessionObject>;
  const stub = namespace.get(namespace.idFromName(sessionId));
  const pipeline: Pipeline = async (ctx) => {
    for (let i = 0; i < events; i++) {
      // Every event its own row: a different agent each time closes the previous chunk.
      ctx.emit({
        event_type: EVENT_TYPES.LLM_CHUNK,
        agent_source: `agent_${i % 2}`,
        payload: { content: String(i % 10).repeat(chars), content_type: "text", is_complete: false },
      });
    }
    ctx.checkpoint();
    await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve, { once: true }));
    return { status: RUN_STATUSES.CANCELLED, content: "" };
  };
  const head = await runInDurableObject(stub, async (object) => {
    // The object keeps its Session protected; the test reaches in as the bench's subclass does.
    const session = (object as unknown as { session: Session }).session;
    const started = session.startRun(
      { sessionId, userId, mode: MODES.NOVA3, message: "big", options: {}, create: true },
      pipeline,
    );
    if (!started.ok) throw new Error(`big session not started: ${started.message}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    return session.snapshot(userId);
  });
  if (!head.ok) throw new Error(head.message);
  return { sessionId, head: head.last_event_id };
}
