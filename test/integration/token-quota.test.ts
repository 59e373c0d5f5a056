/**
 * MAX_TOKENS_PER_USER_PER_DAY across runs, counted in the user's limits object: a run starts while
 * the user is under the quota, finishes even when it crosses it, and the next start is refused
 * with 429 quota_exceeded and a Retry-After until the next UTC midnight. `GET /usage` shows the
 * tokens used today and the quota. (The quota is set for this test only, through callApp.)
 */
import { describe, expect, it, vi } from "vitest";
import { secondsToNextUtcMidnight } from "../../src/limits/daily-tokens";
import type { RunUsage, StreamEvent } from "../../src/protocol/events";
import { BASE, tokenFor } from "../helpers/api";
import { callApp } from "../helpers/app";
import { readSse } from "../helpers/sse";

interface Usage {
  tokens: { today: number; limit_per_day: number | null; resets_at: string };
  sessions: { live: number };
}

function client(user: string, quota?: number) {
  const overrides = { MAX_TOKENS_PER_USER_PER_DAY: quota === undefined ? undefined : String(quota) };
  const call = async (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set("Authorization", `Bearer ${await tokenFor(user)}`);
    return callApp(`${BASE}${path}`, { ...init, headers }, overrides);
  };
  const run = async () => {
    const res = await call("/novachat", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ message: "Launch post for a solar backpack" }),
    });
    return res;
  };
  const totalOf = async (res: Response) => {
    expect(
      res.status,
      await res
        .clone()
        .text()
        .catch(() => ""),
    ).toBe(200);
    const { events } = await readSse(res);
    const complete = events.at(-1) as StreamEvent<"run_complete">;
    expect(complete.payload.status).toBe("completed");
    return (complete.payload.usage as RunUsage).total_tokens;
  };
  const usage = async () => (await (await call("/usage")).json()) as Usage;
  /** Waits until the finished runs' tokens have been counted (each run end reports them). */
  const counted = (tokens: number) =>
    vi.waitFor(
      async () => {
        const now = await usage();
        if (now.tokens.today !== tokens) throw new Error(`tokens today ${now.tokens.today}, waiting for ${tokens}`);
        return now;
      },
      { timeout: 10_000, interval: 50 },
    );
  return { run, totalOf, usage, counted };
}

describe("daily token quota", () => {
  it("lets runs start under the quota, finishes the one that crosses it, then refuses with 429 until UTC midnight", async () => {
    // What one run costs on the demo model (the same every time: its text is deterministic).
    const calibration = client(`quota-calibration-${crypto.randomUUID().slice(0, 8)}`);
    const cost = await calibration.totalOf(await calibration.run());
    expect(cost).toBeGreaterThan(100);
    const unlimited = await calibration.counted(cost);
    expect(unlimited.tokens.limit_per_day).toBeNull();

    const quota = Math.floor(cost * 1.5);
    const user = client(`quota-user-${crypto.randomUUID().slice(0, 8)}`, quota);
    expect((await user.usage()).tokens).toMatchObject({ today: 0, limit_per_day: quota });
    // First run: under the quota before and after.
    expect(await user.totalOf(await user.run())).toBe(cost);
    await user.counted(cost);
    // Second run: admitted (cost < quota), crosses it mid-way, and still completes.
    expect(await user.totalOf(await user.run())).toBe(cost);
    const after = await user.counted(2 * cost);
    expect(after.tokens.today).toBeGreaterThan(quota);
    expect(Date.parse(after.tokens.resets_at) - Date.now()).toBeLessThanOrEqual(86_400_000);

    // Third: refused, naming the quota, with a Retry-After that ends at the next UTC midnight.
    const before = after.sessions.live;
    const refused = await user.run();
    expect(refused.status).toBe(429);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("quota_exceeded");
    expect(body.error.message).toContain(`${quota}`);
    const retryAfter = Number(refused.headers.get("Retry-After"));
    expect(Math.abs(retryAfter - secondsToNextUtcMidnight(Date.now()))).toBeLessThanOrEqual(5);
    // Nothing was started or counted by the refusal.
    const final = await user.usage();
    expect(final.sessions.live).toBe(before);
    expect(final.tokens.today).toBe(2 * cost);
  });
});
