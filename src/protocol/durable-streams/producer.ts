/**
 * Idempotent producers (PROTOCOL.md section 5.2.1): what a `(Producer-Id, Producer-Epoch,
 * Producer-Seq)` append means given the producer's stored state. Pure: the caller stores the
 * proposed state in the same transaction as the append.
 */

/** What the server remembers of one producer on one stream. */
export interface ProducerState {
  epoch: number;
  lastSeq: number;
}

/** The producer headers of one request, validated. */
export interface ProducerClaim {
  id: string;
  epoch: number;
  seq: number;
}

export type ProducerDecision =
  | { kind: "accept"; state: ProducerState }
  | { kind: "duplicate"; lastSeq: number }
  | { kind: "stale_epoch"; currentEpoch: number }
  | { kind: "epoch_needs_seq_zero" }
  | { kind: "gap"; expected: number; received: number };

/** Decides an append from `claim` against the producer's stored `state` (undefined: never seen). */
export function decideProducer(state: ProducerState | undefined, claim: ProducerClaim): ProducerDecision {
  const { epoch, seq } = claim;
  if (state === undefined) {
    return seq === 0 ? { kind: "accept", state: { epoch, lastSeq: 0 } } : { kind: "gap", expected: 0, received: seq };
  }
  if (epoch < state.epoch) return { kind: "stale_epoch", currentEpoch: state.epoch };
  if (epoch > state.epoch) {
    return seq === 0 ? { kind: "accept", state: { epoch, lastSeq: 0 } } : { kind: "epoch_needs_seq_zero" };
  }
  if (seq <= state.lastSeq) return { kind: "duplicate", lastSeq: state.lastSeq };
  if (seq === state.lastSeq + 1) return { kind: "accept", state: { epoch, lastSeq: seq } };
  return { kind: "gap", expected: state.lastSeq + 1, received: seq };
}
