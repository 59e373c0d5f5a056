/**
 * Puts the cost meter (object-meter.ts) around a Durable Object class of the bench's Worker: every
 * method the runtime or a stub can call (fetch, RPC methods, alarm, WebSocket handlers) is counted
 * as a request and timed as work in flight, a streamed response until its body ends. Only objects
 * constructed with metering on (`meterStorage` called) are counted; the others run unchanged.
 */
import { beginWork, countRequest, meterResponse } from "./object-meter";

/** The part of a Durable Object the meter reads: its id. */
interface WithState {
  ctx: DurableObjectState;
}

type Method = (this: WithState, ...args: unknown[]) => unknown;

const metered = new WeakSet<object>();

/** Marks an instance as metered (called from its constructor, after `meterStorage`). */
export function markMetered(instance: object): void {
  metered.add(instance);
}

function methodNames(prototype: object, stopAt: object): string[] {
  const names = new Set<string>();
  for (let p = prototype; p && p !== stopAt; p = Object.getPrototypeOf(p)) {
    for (const name of Object.getOwnPropertyNames(p)) {
      const descriptor = Object.getOwnPropertyDescriptor(p, name);
      if (name !== "constructor" && typeof descriptor?.value === "function") names.add(name);
    }
  }
  return [...names];
}

function wrap(name: string, original: Method): Method {
  return function (this: WithState, ...args: unknown[]) {
    if (!metered.has(this)) return original.apply(this, args);
    const id = this.ctx.id.toString();
    countRequest(id, name);
    const done = beginWork(id);
    try {
      const result = original.apply(this, args);
      if (!(result instanceof Promise)) {
        done();
        return result;
      }
      return result.then(
        (value) => {
          if (name === "fetch" && value instanceof Response) return meterResponse(value, done);
          done();
          return value;
        },
        (error: unknown) => {
          done();
          throw error;
        },
      );
    } catch (error) {
      done();
      throw error;
    }
  };
}

/**
 * Wraps every method of `cls` and its ancestors up to `stopAt` (the runtime's DurableObject base)
 * on `cls.prototype`, except `exclude` (the meter's own reading RPC).
 */
export function meterMethods(cls: { prototype: object }, stopAt: object, exclude: readonly string[]): void {
  for (const name of methodNames(cls.prototype, stopAt)) {
    if (exclude.includes(name)) continue;
    const original = (cls.prototype as Record<string, Method>)[name];
    Object.defineProperty(cls.prototype, name, {
      value: wrap(name, original),
      writable: true,
      configurable: true,
    });
  }
}
