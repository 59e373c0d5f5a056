/** The service's refusals as a test reads them: one JSON error shape for every error, and Retry-After. */
import { expect } from "vitest";

/** Asserts `res` is the service's JSON error with `status` and `code`; returns the error's message. */
export async function expectError(res: Response, status: number, code: string): Promise<string> {
  expect(res.status).toBe(status);
  expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  return body.error.message;
}

/** A refusal's Retry-After, in seconds (the service sends delta-seconds, never a date). */
export function retryAfterSeconds(res: Response): number {
  return Number(res.headers.get("Retry-After"));
}
