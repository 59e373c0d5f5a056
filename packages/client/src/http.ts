/** HTTP plumbing shared by the client and its transports: service URLs, the bearer token, error bodies. */
import { parseRetryAfter } from "../../../src/lib/retry-after";
import { HttpError } from "./errors";

/** A token, or a function returning the current one (called before every request, so it may refresh). */
export type TokenSource = string | undefined | (() => string | undefined | Promise<string | undefined>);

/** The fetch function the client uses; injectable for tests and non-browser runtimes. */
export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

/** Resolves the base URL: the given one, else the page's origin in a browser. */
export function resolveBaseUrl(baseUrl: string | undefined): string {
  const origin = (globalThis as { location?: { origin?: string } }).location?.origin;
  const base = baseUrl ?? origin;
  if (!base) throw new TypeError("baseUrl is required outside a browser page");
  return new URL(base, origin).toString();
}

/**
 * The URL of a service path under `baseUrl`: the one way the client builds a URL. The base's path
 * is a prefix, whether or not it ends in `/` (a service at `https://example.com/api/stream` serves
 * `/novachat` at `https://example.com/api/stream/novachat`), which URL resolution would not do:
 * `/novachat` would go to the root and `novachat` would replace the base's last segment.
 * `path` starts with `/` and may carry a query (the server's `events_url` is such a path, since the
 * server cannot know where a gateway mounted it); an absolute URL is taken as the server gave it.
 */
export function serviceUrl(baseUrl: string, path: string): string {
  if (/^[a-z][a-z\d+.-]*:/i.test(path)) return new URL(path).toString();
  if (!path.startsWith("/")) throw new TypeError(`a service path starts with "/": ${path}`);
  const url = new URL(baseUrl);
  const query = path.search(/[?#]/);
  url.pathname = url.pathname.replace(/\/+$/, "") + (query === -1 ? path : path.slice(0, query));
  url.search = query === -1 ? "" : path.slice(query).replace(/#.*$/, "");
  url.hash = "";
  return url.toString();
}

export async function resolveToken(source: TokenSource): Promise<string | undefined> {
  return typeof source === "function" ? await source() : source;
}

/** Request headers with `Authorization: Bearer` added when there is a token. */
export function withAuth(headers: Record<string, string>, token: string | undefined): Record<string, string> {
  return token ? { ...headers, Authorization: `Bearer ${token}` } : headers;
}

/** Builds an HttpError from a non-success response, reading the service's `{"error":{code,message}}` body. */
export async function httpError(response: Response): Promise<HttpError> {
  let code: string | undefined;
  let message = `HTTP ${response.status}`;
  try {
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === "string") code = body.error.code;
    if (typeof body.error?.message === "string") message = `HTTP ${response.status} ${code}: ${body.error.message}`;
  } catch {
    // Not the service's JSON error (a proxy's page, an empty body): the status says enough.
  }
  return new HttpError(
    response.status,
    message,
    code,
    parseRetryAfter(response.headers.get("Retry-After"), Date.now()),
  );
}
