/**
 * The cost bench's meter (docs/cost.md): what one Durable Object is billed for, counted inside it.
 * Requests (each fetch, RPC call, alarm; incoming WebSocket messages apart, since Cloudflare bills
 * them 20:1), storage rows read and written (counted by rows-written.ts, the bench's one storage
 * wrapper: workerd's own counters on each `sql.exec` cursor, plus KV keys written), alarms
 * set, the database's size, how often the object was constructed (a wake after eviction or
 * hibernation constructs it again), and the time it had work in flight. Bench-only: the production
 * Worker never imports it (test/unit/production-bundle.test.ts).
 */
import { countStorage, type StorageCounts } from "./rows-written";

/** The figures of one object since the isolate started (they outlive the object's evictions). */
export interface MeterReading {
  constructed: number;
  requests: number;
  byMethod: Record<string, number>;
  webSocketMessages: number;
  statements: number;
  rowsRead: number;
  rowsWritten: number;
  alarmsSet: number;
  /** Milliseconds with at least one request, stream or handler in flight. */
  activeMs: number;
  /** Requests and streams in flight when read. */
  inFlight: number;
  databaseBytes: number;
}

interface Meter extends Omit<MeterReading, "databaseBytes"> {
  activeSince: number;
}

/** The var that turns metering on (only the cost scenario's instance sets it). */
export const METER_VAR = "BENCH_METER";

/** Per object id; module state, so a count survives the object's eviction within this isolate. */
const meters = new Map<string, Meter>();

function meterOf(id: string): Meter {
  let meter = meters.get(id);
  if (!meter) {
    meter = {
      constructed: 0,
      requests: 0,
      byMethod: {},
      webSocketMessages: 0,
      statements: 0,
      rowsRead: 0,
      rowsWritten: 0,
      alarmsSet: 0,
      activeMs: 0,
      inFlight: 0,
      activeSince: 0,
    };
    meters.set(id, meter);
  }
  return meter;
}

/** True when the instance was started with metering on. */
export function meteringOn(env: unknown): boolean {
  return (env as Record<string, unknown>)[METER_VAR] === "on";
}

/**
 * Counts the object's SQL statements, rows and alarms from now on, into its meter and into each of
 * `alsoInto` (the object's own counts since it started, say): one wrapper of the storage.
 */
export function meterStorage(ctx: DurableObjectState, alsoInto: readonly StorageCounts[] = []): void {
  const meter = meterOf(ctx.id.toString());
  meter.constructed++;
  countStorage(ctx.storage, [meter, ...alsoInto]);
  const setAlarm = ctx.storage.setAlarm.bind(ctx.storage);
  ctx.storage.setAlarm = (at, options) => {
    meter.alarmsSet++;
    return setAlarm(at, options);
  };
}

/** Marks one request or stream as in flight; the returned function marks it done (once). */
export function beginWork(id: string): () => void {
  const meter = meterOf(id);
  if (meter.inFlight++ === 0) meter.activeSince = Date.now();
  let done = false;
  return () => {
    if (done) return;
    done = true;
    if (--meter.inFlight === 0) meter.activeMs += Date.now() - meter.activeSince;
  };
}

/** Counts one request to the object (a WebSocket message is counted apart). */
export function countRequest(id: string, method: string): void {
  const meter = meterOf(id);
  if (method === "webSocketMessage") {
    meter.webSocketMessages++;
    return;
  }
  meter.requests++;
  meter.byMethod[method] = (meter.byMethod[method] ?? 0) + 1;
}

/** A response whose body counts as work in flight until it ends or its reader cancels it. */
export function meterResponse(response: Response, done: () => void): Response {
  if (!response.body || response.webSocket) {
    done();
    return response;
  }
  const reader = response.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await reader.read().catch((error: unknown) => {
        done();
        throw error;
      });
      if (next.done) {
        done();
        controller.close();
      } else controller.enqueue(next.value);
    },
    cancel(reason) {
      done();
      return reader.cancel(reason);
    },
  });
  return new Response(body, response);
}

/** The object's figures; work still in flight is counted up to now. */
export function readMeter(ctx: DurableObjectState): MeterReading {
  const { activeSince, ...meter } = meterOf(ctx.id.toString());
  const open = meter.inFlight > 0 ? Date.now() - activeSince : 0;
  return { ...meter, activeMs: meter.activeMs + open, databaseBytes: ctx.storage.sql.databaseSize };
}
