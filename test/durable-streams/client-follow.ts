/**
 * Following a JSON stream with the official client (`@durable-streams/client`) the way a flaky
 * network would: each connection is cut after a random number of batches and resumed from the
 * last offset the client reported, alternating SSE and long-poll, until the stream closes or
 * `done` says the reader has what it wanted.
 */
import { stream } from "@durable-streams/client";

export interface FollowOptions<T> {
  url: string;
  headers: Record<string, string>;
  /** Random numbers in [0, 1) (seeded by the test, so a failure can be replayed). */
  random: () => number;
  /** Most batches one connection delivers before it is cut. */
  maxBatchesPerConnection: number;
  onItem: (item: T) => void;
  /** Stop once this is true after a batch (besides the stream closing). */
  done?: () => boolean;
}

/** A seeded generator (mulberry32): the same seed gives the same cuts. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Follows until the end; returns how many connections it took. */
export async function followWithCuts<T>(options: FollowOptions<T>): Promise<number> {
  let offset = "-1";
  let connections = 0;
  for (;;) {
    connections += 1;
    const live = connections % 2 === 0 ? "long-poll" : "sse";
    const cutAfter = 1 + Math.floor(options.random() * options.maxBatchesPerConnection);
    const response = await stream<T>({ url: options.url, headers: options.headers, offset, live });
    const ended = await new Promise<boolean>((resolve, reject) => {
      let batches = 0;
      const unsubscribe = response.subscribeJson(async (batch) => {
        for (const item of batch.items) options.onItem(item);
        offset = batch.offset;
        batches += 1;
        // Not on `batch.streamClosed`: the client can flag a batch before the last one as closed (it
        // falls back to the stream's state, which its read-ahead may already have moved on), so the
        // end is when the client finishes delivering (`closed` below).
        if (options.done?.()) return resolve(true);
        if (batches >= cutAfter) {
          unsubscribe();
          response.cancel();
          resolve(false);
        }
      });
      response.closed.then(() => resolve(response.streamClosed), reject);
    });
    if (ended) {
      response.cancel();
      return connections;
    }
  }
}
