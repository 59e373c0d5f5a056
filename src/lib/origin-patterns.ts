/**
 * The origins CORS_ORIGINS may name: an exact origin (`https://app.example.com`), an origin whose
 * port is `*` (`http://localhost:*`: that scheme and host on any port, or on none), or `*` (any
 * origin). Nothing else: a path, a trailing slash or a wildcard in the host would never match what
 * a browser sends (or would match far more than meant), so the setting refuses it instead.
 */

/** `scheme://host[:port|:*]`, the host a name, an IPv4 address or a bracketed IPv6 address. */
const ORIGIN_PATTERN = /^(https?):\/\/([a-z0-9.-]+|\[[0-9a-f:.]+\])(?::(\d{1,5}|\*))?$/i;

/** Whether `text` is an origin pattern (see the file comment). */
export function isOriginPattern(text: string): boolean {
  if (text === "*") return true;
  const match = ORIGIN_PATTERN.exec(text);
  if (!match || !URL.canParse(text.replace(/:\*$/, ""))) return false;
  const port = match[3];
  return port === undefined || port === "*" || Number(port) <= 65535;
}

/** Scheme and host of an origin, without its port: what a `:*` pattern compares. */
function withoutPort(url: URL): string {
  return `${url.protocol}//${url.hostname}`;
}

/**
 * Tests a request's `Origin` header against the patterns. Patterns that are not origin patterns
 * match nothing; an opaque origin (`null`) matches only `*`.
 */
export function originMatcher(patterns: readonly string[]): (origin: string | undefined) => boolean {
  const valid = patterns.filter(isOriginPattern);
  const any = valid.includes("*");
  const exact = new Set(valid.filter((p) => p !== "*" && !p.endsWith(":*")).map((p) => new URL(p).origin));
  const anyPort = new Set(valid.filter((p) => p.endsWith(":*")).map((p) => withoutPort(new URL(p.slice(0, -2)))));
  return (origin) => {
    if (!origin) return false;
    if (any) return true;
    if (!URL.canParse(origin)) return false;
    const url = new URL(origin);
    return exact.has(url.origin) || anyPort.has(withoutPort(url));
  };
}
