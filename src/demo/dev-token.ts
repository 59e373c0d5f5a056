/**
 * The page's token in local development: `GET /dev/token?user=demo` (a route that exists only when
 * the server runs with DEV_TOKENS=on). A 404 means the server has no dev tokens (or no auth at
 * all): the page goes on without one. A token close to its `exp` is fetched again.
 */

/** The user the demo page acts as. */
export const DEMO_USER = "demo";

/** A token this close to its expiry (seconds) is replaced before use. */
export const REFRESH_MARGIN_SECONDS = 60;

export interface DevAuth {
  token?: string;
  /** Shown in the footer. */
  description: string;
}

export async function fetchDevToken(user = DEMO_USER): Promise<DevAuth> {
  try {
    const response = await fetch(`/dev/token?user=${encodeURIComponent(user)}`, {
      headers: { Accept: "application/json" },
    });
    if (response.status === 404) return { description: "no token (the server offers no dev tokens)" };
    if (!response.ok) return { description: `no token (/dev/token answered ${response.status})` };
    const body = (await response.json()) as { token?: unknown; user?: unknown };
    if (typeof body.token !== "string") return { description: "no token (/dev/token sent no token)" };
    return { token: body.token, description: `dev token for "${typeof body.user === "string" ? body.user : user}"` };
  } catch (error) {
    return { description: `no token (${error instanceof Error ? error.message : "request failed"})` };
  }
}

/** The `exp` claim of a JWT, in seconds, if it has one (the page only reads it; the server verifies). */
function expiresAt(token: string): number | undefined {
  try {
    const payload = token.split(".")[1] ?? "";
    const claims = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/"))) as { exp?: unknown };
    return typeof claims.exp === "number" ? claims.exp : undefined;
  } catch {
    return undefined;
  }
}

/** A token getter for the client: fetches once, and again when the token is about to expire. */
export function devTokenSource(user = DEMO_USER): { auth(): Promise<DevAuth>; token(): Promise<string | undefined> } {
  let current: Promise<DevAuth> | undefined;
  const auth = () => {
    current ??= fetchDevToken(user);
    return current;
  };
  return {
    auth,
    async token() {
      const { token } = await auth();
      const exp = token === undefined ? undefined : expiresAt(token);
      if (exp !== undefined && exp - REFRESH_MARGIN_SECONDS < Date.now() / 1000) {
        current = fetchDevToken(user);
        return (await current).token;
      }
      return token;
    },
  };
}
