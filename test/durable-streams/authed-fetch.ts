/**
 * Authentication for code that sends no token (the conformance suite, the Durable Streams
 * client in its default setup): a `fetch` that adds `Authorization: Bearer <token>` to every
 * request to the server under test, and nothing to any other. Authentication stays on.
 */

/** Wraps `inner` so requests under `baseUrl` carry the bearer token. */
export function authedFetch(inner: typeof fetch, baseUrl: string, token: string): typeof fetch {
  return (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith(baseUrl)) return inner(input, init);
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    if (!headers.has("Authorization")) headers.set("Authorization", `Bearer ${token}`);
    return inner(input, { ...init, headers });
  };
}
