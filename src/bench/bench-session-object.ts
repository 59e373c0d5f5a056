/**
 * The session object as the bench's Worker exports it: the production object plus one RPC that
 * starts a run fed by the synthetic source, and the cost meter (object-meter.ts) when the instance
 * runs with BENCH_METER=on. Never part of the production Worker.
 */
import { DurableObject } from "cloudflare:workers";
import type { Failure } from "../protocol/errors";
import type { Started } from "../session/session";
import { SessionObject } from "../session/session-object";
import { agentsRowPattern, type RowPatternCost } from "./agents-row-pattern";
import { markMetered, meterMethods } from "./metered-object";
import { type MeterReading, meteringOn, meterStorage, readMeter } from "./object-meter";
import { countStorage, newCounts, type StorageCounts } from "./rows-written";
import { type SyntheticRunInput, startSyntheticRun } from "./synthetic-run";

export class BenchSessionObject extends SessionObject {
  readonly #counts: StorageCounts;

  constructor(ctx: DurableObjectState, env: Env) {
    // Before the session takes its storage handles (its constructor already creates its tables),
    // so every statement is counted: once, into this object's counts and, metered, its meter's.
    const metered = meteringOn(env);
    const counts = newCounts();
    if (metered) meterStorage(ctx, [counts]);
    else countStorage(ctx.storage, [counts]);
    super(ctx, env);
    this.#counts = counts;
    if (metered) markMetered(this);
  }

  /** Storage rows this object has written since it started, as the runtime counts them. */
  benchRowsWritten(): number {
    return this.#counts.rowsWritten;
  }

  /** Starts a session whose run's events come from the synthetic source. */
  async benchRun(input: SyntheticRunInput): Promise<Started | Failure> {
    return startSyntheticRun(this.session, input);
  }

  /** Stores one answer with the Agents SDK's row pattern on this object's SQLite (agents-row-pattern.ts). */
  async benchAgentsRows(chunkChars: number[], answerChars: number): Promise<RowPatternCost> {
    const bodies = chunkChars.map((n) => "x".repeat(n));
    return agentsRowPattern(this.ctx.storage.sql, bodies, "x".repeat(answerChars));
  }

  /** What the meter counted for this object (not itself counted as a request). */
  async benchMeter(): Promise<MeterReading> {
    return readMeter(this.ctx);
  }
}

meterMethods(BenchSessionObject, DurableObject.prototype, ["benchMeter", "benchAgentsRows", "benchRowsWritten"]);

/** The bench object of session `sessionId` (the SESSIONS binding runs BenchSessionObject here). */
export function benchStub(env: Env, sessionId: string): DurableObjectStub<BenchSessionObject> {
  const namespace = env.SESSIONS as unknown as DurableObjectNamespace<BenchSessionObject>;
  return namespace.get(namespace.idFromName(sessionId));
}
