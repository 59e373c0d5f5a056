/** How a session's relays are numbered and named (plain values: the OpenAPI document reads them too). */

/** Relays one session may have: the route's `:n` runs from 0 to this less one. */
export const MAX_RELAYS_PER_SESSION = 64;

/** The Durable Object name of relay `n` of a session. */
export function relayName(sessionId: string, n: number): string {
  return `${sessionId}/${n}`;
}
