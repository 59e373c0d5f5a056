/**
 * Calls the Worker under test (the real app inside workerd) the way a client would, through
 * ./api-client.ts. Every call carries a bearer token for TEST_USER unless told otherwise: `{ user }`
 * acts as another user, `{ token }` sends that exact token, `{ token: null }` sends none.
 */
import { env, SELF } from "cloudflare:test";
import { loadAccessConfig } from "../../src/env";
import { apiClient } from "./api-client";
import { userToken } from "./tokens";

export type { Auth, ChatMode, Started } from "./api-client";

export const BASE = "https://edge.test";

/** The default user: one per test file (each file loads its own copy), so files never share limits. */
export const TEST_USER = `test-user-${crypto.randomUUID().slice(0, 8)}`;

/** The test AUTH_SECRET (vitest.config.ts bindings). */
export function testSecret(): string {
  const secret = loadAccessConfig(env).authSecret;
  if (!secret) throw new Error("AUTH_SECRET missing from the test bindings");
  return secret;
}

const tokens = new Map<string, Promise<string>>();

/** A valid user token (one hour) for `user`, signed with the secret and issuer/audience of the bindings. */
export function tokenFor(user: string = TEST_USER): Promise<string> {
  let token = tokens.get(user);
  if (!token) {
    const access = loadAccessConfig(env);
    token = userToken(user, { secret: testSecret(), issuer: access.issuer, audience: access.audience });
    tokens.set(user, token);
  }
  return token;
}

export const { api, postChat, startDetached, snapshot, waitIdle } = apiClient({
  baseUrl: BASE,
  fetch: (url, init) => SELF.fetch(url, init),
  tokenFor,
  defaultUser: TEST_USER,
  // Runs here take well under a second (1 ms a token); the limits project's slow runs pass a longer timeout.
  idlePollMs: 20,
  idleTimeoutMs: 15_000,
});
