/**
 * The session object as the bench's Worker exports it: the production object plus one RPC that
 * starts a run fed by the synthetic source. Never part of the production Worker.
 */
import type { Failure } from "../protocol/errors";
import type { Started } from "../session/session";
import { SessionObject } from "../session/session-object";
import { countRowsWritten, type RowsWritten } from "./rows-written";
import { type SyntheticRunInput, startSyntheticRun } from "./synthetic-run";

export class BenchSessionObject extends SessionObject {
  readonly #rows: RowsWritten;

  constructor(ctx: DurableObjectState, env: Env) {
    // Counted from before the session object's constructor, which already creates its tables.
    const rows = countRowsWritten(ctx.storage);
    super(ctx, env);
    this.#rows = rows;
  }

  /** Storage rows this object has written since it started, as the runtime counts them. */
  benchRowsWritten(): number {
    return this.#rows.total();
  }

  /** Starts a session whose run's events come from the synthetic source. */
  async benchRun(input: SyntheticRunInput): Promise<Started | Failure> {
    return startSyntheticRun(this.session, input);
  }
}

/** The bench object of session `sessionId` (the SESSIONS binding runs BenchSessionObject here). */
export function benchStub(env: Env, sessionId: string): DurableObjectStub<BenchSessionObject> {
  const namespace = env.SESSIONS as unknown as DurableObjectNamespace<BenchSessionObject>;
  return namespace.get(namespace.idFromName(sessionId));
}
