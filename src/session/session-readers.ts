/**
 * A session's SSE readers: the live fan-out, how many streams are open, and opening one at a
 * resume point under its stream lease. The stream itself is reader-stream.ts; this decides
 * whether and until when.
 */
import { type Failure, failure } from "../protocol/errors";
import type { FlushedBatch } from "./event-writer";
import { FanOut } from "./fan-out";
import type { LeaseRef, LeaseRegistry } from "./lease-registry";
import { createReaderStream } from "./reader-stream";
import { sessionFull } from "./session-sockets";
import type { OpenEventsOptions, OpenedStream, Stores } from "./session-types";

/** What the readers need of their session, for its whole life. */
export interface ReadersConfig {
  /** Id of the active run, if one is running. */
  activeRunId(): string | undefined;
  /** Holds each open stream's lease (renewed on a timer, however slowly the stream is read). */
  leases: LeaseRegistry;
  /** Open WebSockets: they share the session's stream limit with the SSE streams. */
  sockets(): number;
  heartbeatMs: number;
  retryMs: number;
  pageRows: number;
  /** Told when a stream opens or closes (presence changed). */
  onPresence?(): void;
}

/** The session as a new stream reads it: its stores, and whether it was deleted since. */
export interface ReadersDeps {
  stores: Pick<Stores, "log" | "store">;
  /** True once the session is deleted: readers end at once. */
  isGone(): boolean;
}

/** The SSE streams of one session. */
export class SessionReaders {
  readonly fanOut = new FanOut();
  #config: ReadersConfig;
  #open = 0;
  #ends = new Map<string, number>();
  /** Open streams by watcher (presence.ts). */
  #watching = new Map<string, number>();

  constructor(config: ReadersConfig) {
    this.#config = config;
  }

  /** Open event streams right now. */
  get count(): number {
    return this.#open;
  }

  /** Who has a stream open, one entry per stream (presence.ts). */
  *watching(): Generator<{ id: string; transport: "sse" }> {
    for (const [id, n] of this.#watching) for (let i = 0; i < n; i++) yield { id, transport: "sse" };
  }

  /** Every reader looks again at whether it may go on (after a membership or share change). */
  recheck(): void {
    this.fanOut.wakeAll();
  }

  /** A flushed batch: every caught-up reader takes it. */
  publish(batch: FlushedBatch): void {
    this.fanOut.publish(batch);
  }

  /** A run ended (its terminal event is `endId`), or the session was deleted: wake every reader. */
  runEnded(runId: string, endId: number | null): void {
    if (endId !== null) this.#ends.set(runId, endId);
    this.fanOut.wakeAll();
  }

  #endOf(deps: ReadersDeps, runId: string): number | undefined {
    const known = this.#ends.get(runId);
    if (known !== undefined || this.#config.activeRunId() === runId) return known;
    const end = deps.stores.store.getRun(runId)?.end_event_id ?? undefined;
    if (end !== undefined) this.#ends.set(runId, end);
    return end;
  }

  /** A stream refused before it was opened: its lease goes back at once. */
  refuse(lease: LeaseRef | undefined, refusal: Failure): Failure {
    if (lease) void this.#config.leases.release([lease]);
    return refusal;
  }

  /**
   * Opens the log as an SSE stream after `afterId`; see the README for the contract. Refused
   * with rate_limited when `maxReaders` streams and sockets are already open on this session.
   * The stream holds `lease` while it is open; a refused or empty stream gives it back at once.
   */
  open(deps: ReadersDeps, afterId: number, { lease, ...options }: OpenEventsOptions = {}): OpenedStream | Failure {
    const drop = lease ? this.#config.leases.holdStream(lease) : () => {};
    const opened = this.#openStream(deps, afterId, options, drop);
    if (!opened.ok || opened.status === 204) drop();
    return opened;
  }

  #openStream(
    deps: ReadersDeps,
    afterId: number,
    { untilRunEnds, maxReaders = Number.POSITIVE_INFINITY, watcher = "", allowed }: OpenEventsOptions,
    onClose: () => void,
  ): OpenedStream | Failure {
    const { log } = deps.stores;
    if (afterId > log.head) {
      return failure("invalid_resume_point", `resume point ${afterId} is beyond the newest event id ${log.head}`);
    }
    const runId = untilRunEnds ?? this.#config.activeRunId();
    const nothingToSend = runId === undefined && afterId === log.head;
    if (nothingToSend) return { ok: true, status: 204 };
    const open = this.#open + this.#config.sockets();
    if (open >= maxReaders) return sessionFull(open, maxReaders);
    this.#open++;
    this.#watching.set(watcher, (this.#watching.get(watcher) ?? 0) + 1);
    this.#config.onPresence?.();
    const isGone = allowed ? () => deps.isGone() || !allowed() : deps.isGone;
    const stream = createReaderStream(
      { log, fanOut: this.fanOut, endOf: (id) => this.#endOf(deps, id), isGone },
      {
        afterId,
        untilRunEnds: runId,
        untilId: runId === undefined ? log.head : undefined,
        heartbeatMs: this.#config.heartbeatMs,
        retryMs: this.#config.retryMs,
        pageRows: this.#config.pageRows,
        onClose: () => {
          this.#open--;
          const left = (this.#watching.get(watcher) ?? 1) - 1;
          if (left > 0) this.#watching.set(watcher, left);
          else this.#watching.delete(watcher);
          onClose();
          this.#config.onPresence?.();
        },
      },
    );
    return { ok: true, status: 200, stream };
  }
}
