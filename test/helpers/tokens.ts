/**
 * Tokens for tests: user tokens signed with a test secret, bare (the client library's `token`) or
 * as an `Authorization` header, and the token a server's dev-token route hands out. Inside workerd,
 * test/helpers/api.ts signs with the secret of the Worker's bindings through `userToken`.
 */
import { signUserToken, type UserTokenSettings } from "../../src/auth/tokens";

/**
 * The secret the test servers (`wrangler dev`) are started with, never used anywhere else. The
 * workerd projects get the same value from vitest.config.ts.
 */
export const TEST_AUTH_SECRET = "test-only-secret-0123456789abcdef0123456789abcdef";

/** How long a test token stays valid, s: longer than any test or soak. */
const TOKEN_TTL_SECONDS = 3600;

/** A user token for `user`, signed with `settings` (the test secret, no issuer or audience, unless told). */
export function userToken(user: string, settings: UserTokenSettings = { secret: TEST_AUTH_SECRET }): Promise<string> {
  return signUserToken(settings, user, TOKEN_TTL_SECONDS);
}

/** The `Authorization` header for `user`. */
export async function bearer(user: string): Promise<Record<string, string>> {
  return { Authorization: `Bearer ${await userToken(user)}` };
}

/** A token for `user` from a server's dev-token route, or undefined when the server has none (no auth yet). */
export async function devToken(baseUrl: string, user: string): Promise<string | undefined> {
  const response = await fetch(`${baseUrl}/dev/token?user=${encodeURIComponent(user)}`);
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`/dev/token answered ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}
