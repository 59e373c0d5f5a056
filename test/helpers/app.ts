/**
 * Calls a fresh instance of the app with the test bindings plus `overrides`: how a test sees the
 * Worker under another configuration (no secret, CORS on, dev tokens on) without a second project.
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { createApp } from "../../src/http/app";

export async function callApp(
  url: string,
  init: RequestInit = {},
  overrides: Record<string, string | undefined> = {},
): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await createApp().fetch(new Request(url, init), { ...env, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}
