/** Small statistics over samples. */

/** The p-th percentile (0..100) of `values`, nearest rank; undefined when empty. */
export function percentile(values, p) {
  if (values.length === 0) return undefined;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export const median = (values) => percentile(values, 50);

/** Median, min and max of repeated trials. */
export function spread(values) {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length };
}

/** Runs `fn` `times` times one after another, returning every result. */
export async function repeat(times, fn) {
  const results = [];
  for (let i = 0; i < times; i++) results.push(await fn(i));
  return results;
}

/** Rounds for display. */
export function round(value, digits = 1) {
  if (value === undefined || value === null || Number.isNaN(value)) return undefined;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
