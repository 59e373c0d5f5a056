/**
 * The page's token in local development: `GET /dev/token?user=demo` (a route that exists only when
 * the server runs with DEV_TOKENS=on). A 404 means the server has no dev tokens (or no auth at
 * all): the page goes on without one.
 */

/** The user the demo page acts as. */
export const DEMO_USER = "demo";

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
