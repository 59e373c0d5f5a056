/**
 * The user's limits object answers a stream lease from memory and writes it to SQLite in a flush
 * after the reply (src/limits/buffered-lease-store.ts; docs/security.md). Here, in workerd: the
 * row is not there when the answer is, is there once the flush ran, survives a new instance of
 * the object on the same storage, and the cleanup alarm is set by the same flush.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { type UserLimitsObject, userLimitsStub } from "../../src/limits/user-limits-object";

const rows = (state: DurableObjectState, kind: string) =>
  state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM leases WHERE kind = ?", kind).one().n;

describe("stream leases at the user's limits object", () => {
  it("are counted at once and written after the answer, with the cleanup alarm", async () => {
    const stub = userLimitsStub(env, `flush-${crypto.randomUUID()}`);
    await runInDurableObject(stub, async (object: UserLimitsObject, state) => {
      expect(object.acquire("stream", "a", 1, 60_000)).toEqual({ ok: true });
      expect(object.acquire("stream", "b", 1, 60_000).ok).toBe(false);
      expect(rows(state, "stream")).toBe(0);
      expect(await state.storage.getAlarm()).toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(rows(state, "stream")).toBe(1);
      expect(await state.storage.getAlarm()).toBeGreaterThan(Date.now());
      object.release("a");
      expect(object.counts().stream).toBe(0);
      expect(rows(state, "stream")).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(rows(state, "stream")).toBe(0);
    });
  });

  it("writes run leases before the answer, as before", async () => {
    const stub = userLimitsStub(env, `flush-${crypto.randomUUID()}`);
    await runInDurableObject(stub, async (object: UserLimitsObject, state) => {
      expect(object.acquire("run", "r", 1, 60_000)).toEqual({ ok: true });
      expect(rows(state, "run")).toBe(1);
    });
  });

  it("starts a new instance from the flushed leases", async () => {
    const stub = userLimitsStub(env, `flush-${crypto.randomUUID()}`);
    await stub.acquire("stream", "a", 2, 60_000);
    await runInDurableObject(stub, async (_object: UserLimitsObject, state) => {
      await expect.poll(() => rows(state, "stream")).toBe(1);
      // A fresh instance on the same storage, as after an eviction.
      const { UserLimitsObject: Class } = await import("../../src/limits/user-limits-object");
      const fresh = new Class(state, env);
      expect(fresh.counts().stream).toBe(1);
      expect(fresh.acquire("stream", "b", 2, 60_000)).toEqual({ ok: true });
      expect(fresh.acquire("stream", "c", 2, 60_000).ok).toBe(false);
    });
  });
});
