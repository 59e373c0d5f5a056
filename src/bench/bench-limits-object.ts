/**
 * The per-user limits object as the bench's Worker exports it: the production object with the cost
 * meter (object-meter.ts) when the instance runs with BENCH_METER=on, since every run and every
 * stream also costs requests and rows here. Never part of the production Worker.
 */
import { DurableObject } from "cloudflare:workers";
import { UserLimitsObject } from "../limits/user-limits-object";
import { markMetered, meterMethods } from "./metered-object";
import { type MeterReading, meteringOn, meterStorage, readMeter } from "./object-meter";

export class BenchUserLimitsObject extends UserLimitsObject {
  constructor(ctx: DurableObjectState, env: Env) {
    const metered = meteringOn(env);
    if (metered) meterStorage(ctx);
    super(ctx, env);
    if (metered) markMetered(this);
  }

  /** What the meter counted for this object (not itself counted as a request). */
  async benchMeter(): Promise<MeterReading> {
    return readMeter(this.ctx);
  }
}

meterMethods(BenchUserLimitsObject, DurableObject.prototype, ["benchMeter"]);

/** The bench limits object of user `userId` (the USER_LIMITS binding runs BenchUserLimitsObject here). */
export function benchLimitsStub(env: Env, userId: string): DurableObjectStub<BenchUserLimitsObject> {
  const namespace = env.USER_LIMITS as unknown as DurableObjectNamespace<BenchUserLimitsObject>;
  return namespace.get(namespace.idFromName(userId));
}
