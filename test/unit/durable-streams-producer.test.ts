/** Idempotent producers (src/protocol/durable-streams/producer.ts): the validation table of PROTOCOL.md 5.2.1. */
import { describe, expect, it } from "vitest";
import { decideProducer } from "../../src/protocol/durable-streams/producer";

const claim = (epoch: number, seq: number) => ({ id: "p", epoch, seq });

describe("decideProducer", () => {
  it("starts a new producer at seq 0 only", () => {
    expect(decideProducer(undefined, claim(3, 0))).toEqual({ kind: "accept", state: { epoch: 3, lastSeq: 0 } });
    expect(decideProducer(undefined, claim(0, 2))).toEqual({ kind: "gap", expected: 0, received: 2 });
  });

  it("accepts the next seq, deduplicates old ones and reports gaps", () => {
    const state = { epoch: 1, lastSeq: 4 };
    expect(decideProducer(state, claim(1, 5))).toEqual({ kind: "accept", state: { epoch: 1, lastSeq: 5 } });
    expect(decideProducer(state, claim(1, 4))).toEqual({ kind: "duplicate", lastSeq: 4 });
    expect(decideProducer(state, claim(1, 0))).toEqual({ kind: "duplicate", lastSeq: 4 });
    expect(decideProducer(state, claim(1, 7))).toEqual({ kind: "gap", expected: 5, received: 7 });
  });

  it("fences a stale epoch and makes a new epoch start at 0", () => {
    const state = { epoch: 2, lastSeq: 9 };
    expect(decideProducer(state, claim(1, 10))).toEqual({ kind: "stale_epoch", currentEpoch: 2 });
    expect(decideProducer(state, claim(3, 1))).toEqual({ kind: "epoch_needs_seq_zero" });
    expect(decideProducer(state, claim(3, 0))).toEqual({ kind: "accept", state: { epoch: 3, lastSeq: 0 } });
  });
});
