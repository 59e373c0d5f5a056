/**
 * A user's tokens of the current UTC day, as a pure value: what their runs used, counted when
 * each run ends, reset at UTC midnight. The daily quota (MAX_TOKENS_PER_USER_PER_DAY) is checked
 * against it when a run starts (user-limits.ts).
 */

/** Tokens counted for one UTC day. */
export interface DayTokens {
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  tokens: number;
}

const DAY_MS = 86_400_000;

/** The UTC day of `now` (ms since the epoch), `YYYY-MM-DD`. */
export function utcDay(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}

/** The next UTC midnight after `now`, ms since the epoch. */
export function nextUtcMidnight(now: number): number {
  return (Math.floor(now / DAY_MS) + 1) * DAY_MS;
}

/** Whole seconds from `now` to the next UTC midnight (at least 1): a refused start's Retry-After. */
export function secondsToNextUtcMidnight(now: number): number {
  return Math.max(1, Math.ceil((nextUtcMidnight(now) - now) / 1000));
}

/** Tokens used on the day of `now`. A count from an earlier day is 0 today. */
export function tokensToday(counted: DayTokens | undefined, now: number): number {
  return counted && counted.day === utcDay(now) ? counted.tokens : 0;
}

/** The count after `tokens` more were used at `now`. */
export function addDayTokens(counted: DayTokens | undefined, tokens: number, now: number): DayTokens {
  return { day: utcDay(now), tokens: tokensToday(counted, now) + Math.max(0, Math.round(tokens)) };
}
