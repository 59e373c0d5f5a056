/** Tokens for tests that drive a whole server (`wrangler dev`) from Node. */
import { signUserToken } from "../../src/auth/tokens";

/** The secret test servers are started with (never used anywhere else). */
export const TEST_AUTH_SECRET = "test-only-secret-0123456789abcdef0123456789abcdef";

/** `Authorization` header for `user`, valid for an hour. */
export async function bearer(user: string): Promise<Record<string, string>> {
  const token = await signUserToken({ secret: TEST_AUTH_SECRET }, user, 3600);
  return { Authorization: `Bearer ${token}` };
}
