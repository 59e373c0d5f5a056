/** One session: storage, active run, readers. No Durable Object API here, so all of it is testable as is. */

import { errorMessage } from "../agents/failures";
import type { Pipeline } from "../agents/run-context";
import { type Failure, failure } from "../protocol/errors";
import { ACTIONS, type Action, type Caller, toCaller } from "./access";
import { type LogView, RELAY_READER } from "./log-view";
import type { ReviewAnswer } from "./review-answers";
import { modelDefaults } from "./run-controller";
import { type Accepted, ownerOf, RunSlot } from "./run-slot";
import { refuseStart, startRunIn } from "./run-start";
import { decideAlarm } from "./run-watchdog";
import { isFailure, SessionAccess } from "./session-access";
import { SessionLifetime } from "./session-lifetime";
import { SessionSharing } from "./session-sharing";
import type { SessionSockets } from "./session-sockets";
import type { SessionStore } from "./session-store";
import { openStores, storesExist } from "./session-stores";
import { SessionStreams } from "./session-streams";
import type {
  OpenEventsOptions,
  OpenedStream,
  RunOwner,
  SessionHost,
  Started,
  StartInput,
  Stores,
} from "./session-types";
import { buildSnapshot, type Snapshot } from "./snapshot";
import { storageCapFailure } from "./storage-cap";

export type { ReviewAnswer } from "./review-answers";
export type { Accepted } from "./run-slot";
export type { OpenedStream, RunOwner, SessionHost, Started, StartInput } from "./session-types";
export { KEEPALIVE_MS } from "./session-types";

export class Session {
  /** The session's WebSockets (session-sockets.ts): the object hands them its socket events. */
  readonly sockets: SessionSockets;
  readonly sharing: SessionSharing;
  #host: SessionHost;
  #access: SessionAccess;
  #now: () => number;
  #stores: Stores | undefined;
  /** Its SSE readers and sockets, and the stream leases they hold. */
  #streams: SessionStreams;
  /** The session's run, executing or paused for a review (run-slot.ts). */
  #runs: RunSlot;
  /** When this instance of the object started: a restart (eviction, hibernation) shows as a new time. */
  #startedAt: string;
  #lifetime: SessionLifetime;

  constructor(host: SessionHost) {
    this.#host = host;
    this.#now = host.now ?? Date.now;
    this.#startedAt = new Date(this.#now()).toISOString();
    this.#access = new SessionAccess(() => this.#stores, this.#now);
    this.#streams = new SessionStreams({
      host,
      allowed: (caller, action) => this.#access.allowed(caller, action),
      cancel: (caller) => this.cancel(caller),
      activeRunId: () => this.#runs.current?.run_id,
      touch: (stores) => this.#touch(stores.store),
      now: this.#now,
    });
    this.sockets = this.#streams.sockets;
    const touch = () => this.#stores && this.#touch(this.#stores.store);
    this.sharing = new SessionSharing({ access: this.#access, streams: this.#streams, touch, now: this.#now });
    // Every time the alarm moves, socket leases are made to outlast it (lease-registry.ts).
    const setAlarm = (at: number) => {
      host.setAlarm(at);
      this.#streams.alarmSet(at);
    };
    const onActive = (owner: RunOwner) => host.onActive?.(owner);
    this.#lifetime = new SessionLifetime(host.config, setAlarm, this.#now, onActive, () => this.#runs.waitUntil);
    this.#runs = new RunSlot({
      host,
      now: this.#now,
      ended: (record) => {
        this.#streams.readers.runEnded(record.run_id, record.end_event_id);
        if (this.#stores) this.#touch(this.#stores.store);
      },
      moved: () => this.#stores && this.#touch(this.#stores.store),
      restartAfter: (error, what) => this.#restartAfter(error, what),
    });
    if (storesExist(host.sql)) this.#stores = this.#openStores();
    // Waking up (any request or the keepalive alarm) resumes a run the last instance left unfinished,
    // before anything else, so every reader sees it active.
    this.#resumeUnfinished();
  }

  /** Open readers right now: SSE streams and sockets. */
  get readers(): number {
    const { readers, sockets } = this.#streams.counts();
    return readers + sockets;
  }

  #openStores(): Stores {
    return openStores(this.#host, this.#host.config, {
      onFlush: (log, batch) => {
        this.#runs.progressAt = this.#now();
        this.#streams.publish(log, batch);
      },
      onFailed: (error) => this.#restartAfter(error, "events could not be written"),
      now: this.#now,
    });
  }

  /** Storage refused a write: this instance is ahead of storage, so a new one starts from storage. */
  #restartAfter(error: unknown, what: string): void {
    this.#host.restart(`${what}: ${errorMessage(error)}`).catch(() => {});
  }

  #touch(store: SessionStore): void {
    this.#lifetime.touch(store, this.#runs.running);
  }

  /** Starts a run; `pipeline` replaces the mode's agents (used only by the bench's synthetic source). */
  startRun(input: StartInput, pipeline?: Pipeline): Started | Failure {
    const existing = this.#stores;
    // Every refusal comes before any write, so a refused request leaves storage as it found it.
    const role = existing && { role: this.#access.roleOf({ userId: input.userId }, existing) };
    const refused =
      refuseStart(input, role, this.#runs.current) ?? storageCapFailure(this.#host.sql, this.#host.config);
    if (refused) return refused;
    const touch = (store: SessionStore) => this.#lifetime.touch(store, true);
    const begin = (stores: Stores) =>
      startRunIn(stores, input, !existing, {
        now: this.#now(),
        models: modelDefaults(this.#host.config, this.#host.llm),
        touch,
      });
    // A new session's tables are created in the same transaction: a start that fails leaves nothing.
    const { stores, record } = existing ? begin(existing) : this.#host.transactionSync(() => begin(this.#openStores()));
    this.#stores = stores;
    this.#runs.launch(record, stores, { pipeline });
    return { ok: true, run_id: record.run_id, first_event_id: record.first_event_id };
  }

  /** Finds the run paused for a review, or resumes the run left running (run-recovery.ts), if any. */
  #resumeUnfinished(): void {
    const stores = this.#stores;
    if (stores && this.#runs.wake(stores)) this.#lifetime.schedule(stores.store, this.#runs.running);
  }

  cancel(who: Caller | string): { ok: true; run_id: string } | Failure {
    const stores = this.#access.allowed(toCaller(who), ACTIONS.CANCEL);
    if (isFailure(stores)) return stores;
    const runId = this.#runs.cancel(stores);
    if (runId === undefined) return failure("not_found", "no active run to cancel");
    return { ok: true, run_id: runId };
  }

  /** Answers the review the session's run waits for (review-answers.ts), for whoever may review. */
  input(who: Caller | string, answer: ReviewAnswer): Accepted | Failure {
    const caller = toCaller(who);
    return this.#interact(caller, ACTIONS.ANSWER_REVIEW, (stores) => this.#runs.answer(stores, answer, caller.userId));
  }

  /** Adds a message to the session's run: every agent that starts after it reads it. */
  message(who: Caller | string, text: string): Accepted | Failure {
    const caller = toCaller(who);
    return this.#interact(caller, ACTIONS.STEER, (stores) => this.#runs.message(stores, text, caller.userId));
  }

  /** Does `act` for a caller whose role allows `action`; what it took is activity (a run that goes on gets its run checks). */
  #interact(caller: Caller, action: Action, act: (stores: Stores) => Accepted | Failure): Accepted | Failure {
    const stores = this.#access.allowed(caller, action);
    if (isFailure(stores)) return stores;
    const result = act(stores);
    if (result.ok) this.#touch(stores.store);
    return result;
  }

  /** The log read-only (log-view.ts), for whoever may read the session or for its relays (RELAY_READER). */
  logView(who: Caller | string | typeof RELAY_READER): LogView | undefined {
    const stores = who === RELAY_READER ? this.#stores : this.#access.allowed(toCaller(who), ACTIONS.READ);
    return !stores || isFailure(stores) ? undefined : { log: stores.log, fanOut: this.#streams.readers.fanOut };
  }

  /** Opens the log as an SSE stream after `afterId` (session-readers.ts), for whoever may read it. */
  openEvents(who: Caller | string, afterId: number, options: OpenEventsOptions = {}): OpenedStream | Failure {
    const caller = toCaller(who);
    const stores = this.#access.allowed(caller, ACTIONS.READ);
    if (isFailure(stores)) return this.#streams.readers.refuse(options.lease, stores);
    const watched = { ...options, watcher: caller.userId, allowed: this.#access.watch(caller) };
    const opened = this.#streams.readers.open({ stores, isGone: () => this.#stores !== stores }, afterId, watched);
    if (opened.ok) this.#lifetime.touchForRead(stores.store, this.#runs.running);
    return opened;
  }

  snapshot(who: Caller | string): ({ ok: true } & Snapshot) | Failure {
    const caller = toCaller(who);
    const stores = this.#access.allowed(caller, ACTIONS.READ);
    if (isFailure(stores)) return stores;
    const instance = { ...this.#streams.counts(), instanceStartedAt: this.#startedAt };
    const people = { role: this.#access.roleOf(caller, stores) ?? "viewer", watching: this.#streams.presence() };
    return { ok: true as const, ...buildSnapshot(stores, this.#runs.current, instance, people) };
  }

  /** Deletes the session and everything in it; its readers end at once. */
  async destroy(who?: Caller | string): Promise<{ ok: true } | Failure> {
    const stores = who === undefined ? this.#stores : this.#access.allowed(toCaller(who), ACTIONS.DELETE);
    if (!stores) return failure("not_found", "session not found");
    if (isFailure(stores)) return stores;
    this.#runs.detach(ownerOf(stores.store));
    stores.writer.close();
    this.#stores = undefined;
    this.#streams.ended();
    await this.#host.deleteAll();
    return { ok: true };
  }

  /**
   * The alarm: keeps an active run's object alive and restarts the object when the run stalled
   * (run-watchdog.ts); deletes the session once it expired.
   */
  async onAlarm(): Promise<void> {
    const stores = this.#stores;
    if (!stores) return;
    this.#resumeUnfinished();
    const active = this.#runs.running ? this.#runs.current : undefined;
    const owner = ownerOf(stores.store);
    const action = decideAlarm({
      now: this.#now(),
      running: active !== undefined,
      waitUntil: this.#runs.waitUntil,
      progressAt: this.#runs.progressAt,
      runStallMs: this.#host.config.runStallMs,
      updatedAt: Date.parse(stores.store.getMeta("updated_at") ?? ""),
      ttlMs: this.#host.config.sessionTtlSeconds * 1000,
    });
    if (action.do === "restart" && active) {
      this.#host.onRunStalled?.(active, owner, action.silentMs);
      // The restart drops every stream and socket of this instance: their leases go back first.
      await this.#streams.releaseAll();
      return this.#host.restart(`run ${active.run_id} logged nothing for ${action.silentMs} ms`);
    }
    if (action.do === "expire") {
      await this.destroy();
      this.#host.onExpired?.(owner);
      return;
    }
    if (action.do === "time_out") this.#runs.expire(stores);
    if (action.do === "keepalive" && active) this.#host.onRunAlive?.(active, owner);
    this.sockets.checkBehind();
    this.#lifetime.schedule(stores.store, this.#runs.running);
  }
}
