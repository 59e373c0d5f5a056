/**
 * POST on a Durable Stream (PROTOCOL.md sections 5.2, 5.2.1, 5.3): append, append and close, or
 * close; with `Stream-Seq` ordering and idempotent producers. Checks run in the protocol's
 * order (closed, content type, producer, sequence, body) and nothing is stored unless all pass;
 * the data, the producer's state and the stream's state then commit together.
 */
import { DS_HEADERS, isClosedHeader, parseProducer } from "../protocol/durable-streams/headers";
import { mediaType, splitJsonBody } from "../protocol/durable-streams/json-mode";
import { formatOffset } from "../protocol/durable-streams/offsets";
import { decideProducer, type ProducerClaim } from "../protocol/durable-streams/producer";
import { errorResponse } from "../protocol/errors";
import type { WriteContext } from "./stream-create";
import type { StreamMeta, StreamStore } from "./stream-store";

const tupleOf = (claim: ProducerClaim) => `${claim.epoch} ${claim.seq} ${claim.id}`;

function closedConflict(meta: StreamMeta): Response {
  return errorResponse("stream_closed", "the stream is closed", {
    [DS_HEADERS.closed]: "true",
    [DS_HEADERS.nextOffset]: formatOffset(meta.tail),
  });
}

function done(status: number, meta: StreamMeta, claim: ProducerClaim | undefined, seq?: number): Response {
  const headers = new Headers({ [DS_HEADERS.nextOffset]: formatOffset(meta.tail) });
  if (meta.closed) headers.set(DS_HEADERS.closed, "true");
  if (claim) {
    headers.set(DS_HEADERS.producerEpoch, String(claim.epoch));
    headers.set(DS_HEADERS.producerSeq, String(seq ?? claim.seq));
  }
  return new Response(null, { status, headers });
}

/** The producer check's refusal or duplicate answer, or undefined to go on (accepted). */
function producerAnswer(store: StreamStore, meta: StreamMeta, claim: ProducerClaim): Response | "accept" {
  const decision = decideProducer(store.producer(claim.id), claim);
  switch (decision.kind) {
    case "accept":
      return "accept";
    case "duplicate":
      return done(204, meta, claim, decision.lastSeq);
    case "stale_epoch":
      return errorResponse("stale_producer_epoch", "a newer epoch of this producer has written", {
        [DS_HEADERS.producerEpoch]: String(decision.currentEpoch),
      });
    case "epoch_needs_seq_zero":
      return errorResponse("bad_request", "a new producer epoch starts at Producer-Seq 0");
    case "gap":
      return errorResponse("producer_sequence_gap", `expected Producer-Seq ${decision.expected}`, {
        [DS_HEADERS.expectedSeq]: String(decision.expected),
        [DS_HEADERS.receivedSeq]: String(decision.received),
      });
  }
}

export async function appendToStream(store: StreamStore, request: Request, context: WriteContext): Promise<Response> {
  const h = request.headers;
  const producer = parseProducer(
    h.get(DS_HEADERS.producerId),
    h.get(DS_HEADERS.producerEpoch),
    h.get(DS_HEADERS.producerSeq),
  );
  if (!producer.ok) return errorResponse("bad_request", producer.message);
  const claim = producer.value;
  const close = isClosedHeader(h.get(DS_HEADERS.closed));
  // The body is read before the stream's state: from here on nothing awaits, so the checks and the
  // append run as one step of the object, and a concurrent close or append cannot slip in between.
  const body = new Uint8Array(await request.arrayBuffer());
  const meta = store.meta;
  if (!meta) return errorResponse("not_found", "no such stream");

  if (meta.closed) {
    if (claim && meta.closedBy === tupleOf(claim)) return done(204, meta, claim);
    if (close && body.byteLength === 0 && !claim) return done(204, meta, undefined);
    return closedConflict(meta);
  }
  if (body.byteLength === 0 && !close) return errorResponse("bad_request", "an append needs a body");
  if (body.byteLength > 0) {
    const type = h.get("Content-Type");
    if (type === null || type.trim() === "") return errorResponse("bad_request", "an append needs a Content-Type");
    if (mediaType(type) !== mediaType(meta.contentType)) {
      return errorResponse("content_type_mismatch", `this stream holds ${meta.contentType}`);
    }
  }
  if (claim) {
    const answer = producerAnswer(store, meta, claim);
    if (answer !== "accept") return answer;
  }
  const seq = h.get(DS_HEADERS.seq);
  if (seq !== null && meta.lastSeq !== undefined && seq <= meta.lastSeq) {
    return errorResponse("sequence_conflict", `Stream-Seq must be greater than ${meta.lastSeq}`);
  }
  let items: (Uint8Array | string)[] = body.byteLength > 0 ? [body] : [];
  if (meta.json && body.byteLength > 0) {
    const split = splitJsonBody(new TextDecoder().decode(body), false);
    if (!split.ok) return errorResponse("invalid_body", split.message);
    items = split.messages;
  }
  if (meta.bytes + body.byteLength > context.maxStreamBytes) {
    return errorResponse(
      "payload_too_large",
      `a stream holds at most ${context.maxStreamBytes} bytes (MAX_STREAM_BYTES)`,
    );
  }
  store.append(items);
  if (claim) store.saveProducer(claim.id, { epoch: claim.epoch, lastSeq: claim.seq });
  store.update({
    touchedAt: context.now,
    ...(seq !== null ? { lastSeq: seq } : {}),
    ...(close ? { closed: true, closedBy: claim ? tupleOf(claim) : undefined } : {}),
  });
  // 200 says a producer's data was appended; a close-only request appends nothing (204).
  return done(claim && body.byteLength > 0 ? 200 : 204, store.current, claim);
}
