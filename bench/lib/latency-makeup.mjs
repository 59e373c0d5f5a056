/**
 * What a paced fan-out's p99 is made of: for each event, when its first and its last follower
 * got it (latency from its append), so a p99 made by one flush's walk over every follower (a
 * wide first-to-last spread) can be told from one made by waiting before the flush (a late
 * first follower).
 */
import { percentile } from "./stats.mjs";

const summary = (values) => ({ p50: percentile(values, 50), p99: percentile(values, 99) });

/** `results`: readers' results with `latencies` (one per event, in order); `events`: how many each should have. */
export function latencyMakeup(results, events) {
  const complete = results.filter((r) => r.complete && r.latencies?.length === events);
  const all = [];
  const first = [];
  const last = [];
  const spread = [];
  for (let i = 0; i < events; i++) {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const r of complete) {
      const l = r.latencies[i];
      all.push(l);
      if (l < lo) lo = l;
      if (l > hi) hi = l;
    }
    first.push(lo);
    last.push(hi);
    spread.push(hi - lo);
  }
  return {
    complete: results.filter((r) => r.complete).length,
    ...summary(all),
    first: summary(first),
    last: summary(last),
    spread: summary(spread),
  };
}
