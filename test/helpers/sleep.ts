/**
 * A plain pause, for tests that must let real time pass (a quiet period, a pacing delay). To wait
 * for something to happen, poll it with `vi.waitFor` / `expect.poll` instead: a pause that ends
 * before the thing happens makes a flaky test, and one that ends long after makes a slow one.
 * Free of vitest, so globalSetup code (the fake OpenAI endpoint, the dev-server launcher) can use it.
 */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
