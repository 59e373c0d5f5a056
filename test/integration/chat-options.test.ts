/**
 * The chat body's `options`: bounded in nesting depth and size before anything looks inside, then
 * a strict object of the options the service honours (none yet), so an option is never accepted
 * and silently ignored. A deeply nested value once reached the session object and overflowed the
 * stack (500 internal); it is a 400 naming the limit now.
 */
import { describe, expect, it } from "vitest";
import { postChat, startDetached, waitIdle } from "../helpers/api";

const DETACHED = { Accept: "application/json" };

/** `{"message":"x","options":{"a":{"a":...}}}` with `options` nested `depth` levels deep, built as text. */
function nestedOptions(depth: number): string {
  return `{"message":"x","options":${'{"a":'.repeat(depth - 1)}{}${"}".repeat(depth - 1)}}`;
}

async function refusal(res: Response): Promise<string> {
  const text = await res.text();
  expect(res.status, text).toBe(400);
  const body = JSON.parse(text) as { error: { code: string; message: string } };
  expect(body.error.code).toBe("invalid_body");
  return body.error.message;
}

describe("chat options", () => {
  it("refuses options nested 6,000 levels deep with 400 naming the depth limit (was 500 internal)", async () => {
    const body = nestedOptions(6000);
    expect(body.length).toBeLessThan(65_536);
    const message = await refusal(await postChat("novachat", body, DETACHED));
    expect(message).toBe("options: must be nested at most 8 levels deep");
  });

  it("refuses nesting just past the limit, in objects or arrays, before looking at the keys", async () => {
    expect(await refusal(await postChat("novachat", nestedOptions(9), DETACHED))).toMatch(/at most 8 levels/);
    const arrays = `{"message":"x","options":{"model":${"[".repeat(8)}${"]".repeat(8)}}}`;
    expect(await refusal(await postChat("loomichat", arrays, DETACHED))).toMatch(/at most 8 levels/);
    expect(await refusal(await postChat("novachat", nestedOptions(8), DETACHED))).toBe('options: unknown option "a"');
  });

  it("refuses options over the size limit with 400 naming it", async () => {
    const res = await postChat("novachat", { message: "x", options: { notes: "n".repeat(5000) } }, DETACHED);
    expect(await refusal(res)).toBe("options: must be at most 4096 bytes of JSON");
  });

  it("names every option the service does not honour instead of ignoring it", async () => {
    const one = await postChat("novachat", { message: "x", options: { model: "gpt" } }, DETACHED);
    expect(await refusal(one)).toBe('options: unknown option "model"');
    const two = await postChat("loomichat", { message: "x", options: { temperature: 0.2, max_tokens: 9 } }, DETACHED);
    expect(await refusal(two)).toBe('options: unknown options "temperature", "max_tokens"');
    expect(await refusal(await postChat("novachat", { message: "x", options: [] }, DETACHED))).toMatch(/^options: /);
  });

  it("accepts empty options and no options", async () => {
    for (const body of [{ message: "x", options: {} }, { message: "x" }]) {
      const started = await startDetached("novachat", body);
      await waitIdle(started.session_id);
    }
  });
});
