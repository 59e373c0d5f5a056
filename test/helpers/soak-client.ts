/**
 * The soak's HTTP client, built to behave like a real client when the server stalls: each of its
 * session loops has a bounded number of requests in flight, every request has a timeout (an event
 * stream an idle timeout), failures are retried after an exponential backoff with jitter, and a
 * connection the client gives up on is closed at once (its AbortController is aborted and its
 * body cancelled; a body is never left unread). So a stall of the server cannot make the client
 * pile up connections, and what is still open at any time is what the client is waiting on.
 */
import { backoffDelay } from "../../packages/client/src/backoff";
import { sleep } from "./sleep";
import { type ReadSse, readSseInto } from "./sse";

/** The client's timeouts and backoff, ms. */
export interface SoakClientLimits {
  /** Longest wait for a whole answer (headers and body) of an ordinary request. */
  requestMs: number;
  /** Longest silence on an open event stream (three server heartbeats) before it is dropped and resumed. */
  idleMs: number;
  /** Longest a request may keep failing, or a reader go without a new event, before the soak fails. */
  giveUpMs: number;
  /** First and longest backoff between two attempts. */
  backoffMs: { first: number; max: number };
}

/** What the clients of one soak did, for its report. */
export interface SoakClientStats {
  /** Requests in flight right now (over every loop). */
  inFlight: number;
  /** Most requests one loop had in flight at once. */
  maxInFlightPerLoop: number;
  /** Attempts given up after their timeout (connection closed, then retried). */
  timeouts: number;
  /** Attempts that failed on the network (reset, refused). */
  networkErrors: number;
  /** Answers `503 worker restarted mid-request` from wrangler's proxy (the local runtime restarted). */
  runtimeRestarts: number;
  /** Answers 429 (waited out per Retry-After). */
  busy: number;
  /** Event streams that broke or went silent and were resumed with Last-Event-ID. */
  resumes: number;
}

export function emptyStats(): SoakClientStats {
  return { inFlight: 0, maxInFlightPerLoop: 0, timeouts: 0, networkErrors: 0, runtimeRestarts: 0, busy: 0, resumes: 0 };
}

/** An answer, read whole. */
export interface Answer {
  status: number;
  text: string;
  retryAfterS: number | undefined;
}

const RESTARTED = "restarted mid-request";

/** Whether an answer is one a client waits out and tries again. */
function retryable(answer: Answer): boolean {
  return answer.status === 429 || (answer.status === 503 && answer.text.includes(RESTARTED));
}

/** One session loop's client: its user, its slots, shared limits and stats. */
export class SoakClient {
  readonly #base: string;
  readonly #auth: Record<string, string>;
  readonly #limits: SoakClientLimits;
  readonly #stats: SoakClientStats;
  readonly #slots: number;
  #busy = 0;
  #waiting: (() => void)[] = [];

  constructor(
    base: string,
    auth: Record<string, string>,
    limits: SoakClientLimits,
    stats: SoakClientStats,
    slots: number,
  ) {
    this.#base = base;
    this.#auth = auth;
    this.#limits = limits;
    this.#stats = stats;
    this.#slots = slots;
  }

  /** Runs `work` holding one of the loop's slots, counted as a request in flight. */
  async #inSlot<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    while (this.#busy >= this.#slots) await new Promise<void>((go) => this.#waiting.push(go));
    this.#busy++;
    this.#stats.inFlight++;
    this.#stats.maxInFlightPerLoop = Math.max(this.#stats.maxInFlightPerLoop, this.#busy);
    const connection = new AbortController();
    try {
      return await work(connection.signal);
    } finally {
      // Whatever happened, the connection is closed now (a no-op once its body was read to the end).
      connection.abort();
      this.#busy--;
      this.#stats.inFlight--;
      this.#waiting.shift()?.();
    }
  }

  #count(error: unknown): void {
    if (error instanceof Error && /timeout|idle/i.test(`${error.name} ${error.message}`)) this.#stats.timeouts++;
    else this.#stats.networkErrors++;
  }

  #delay(attempt: number, retryAfterS?: number): Promise<void> {
    const { first, max } = this.#limits.backoffMs;
    const options = { initialMs: first, maxMs: max, factor: 2, jitter: 0.5, maxAttempts: Number.POSITIVE_INFINITY };
    return sleep(backoffDelay(attempt, options, undefined, retryAfterS === undefined ? undefined : retryAfterS * 1000));
  }

  /**
   * One request, its answer read whole within `limits.requestMs`. A timeout, a network error, a
   * 429 or a runtime restart is retried after a backoff, until `limits.giveUpMs` have passed; any
   * other answer is returned.
   */
  async request(path: string, init: RequestInit = {}): Promise<Answer> {
    const headers = { ...this.#auth, ...(init.headers as Record<string, string> | undefined) };
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      let outcome: Answer | Error;
      try {
        outcome = await this.#inSlot(async (signal) => {
          const timeout = AbortSignal.timeout(this.#limits.requestMs);
          const res = await fetch(`${this.#base}${path}`, {
            ...init,
            headers,
            signal: AbortSignal.any([signal, timeout]),
          });
          const text = await res.text();
          const retryAfter = res.headers.get("Retry-After");
          return { status: res.status, text, retryAfterS: retryAfter === null ? undefined : Number(retryAfter) };
        });
        if (!retryable(outcome)) return outcome;
        if (outcome.status === 429) this.#stats.busy++;
        else this.#stats.runtimeRestarts++;
      } catch (error) {
        outcome = error instanceof Error ? error : new Error(String(error));
        this.#count(error);
      }
      if (Date.now() - started > this.#limits.giveUpMs) {
        const last = outcome instanceof Error ? String(outcome) : `${outcome.status} ${outcome.text.slice(0, 200)}`;
        throw new Error(
          `${init.method ?? "GET"} ${path} gave up after ${attempt} attempts in ${Date.now() - started} ms: ${last}`,
        );
      }
      await this.#delay(attempt, outcome instanceof Error ? undefined : outcome.retryAfterS);
    }
  }

  /** A request whose answer must be JSON with status `expected`. */
  async json<T>(path: string, expected: number, init?: RequestInit): Promise<T> {
    const answer = await this.request(path, init);
    if (answer.status !== expected)
      throw new Error(`${init?.method ?? "GET"} ${path} answered ${answer.status}: ${answer.text.slice(0, 500)}`);
    return JSON.parse(answer.text) as T;
  }

  /**
   * Reads an event stream into `out` to its end (or `maxEvents`). A stream that breaks, goes silent
   * for `limits.idleMs` or is refused for a while (429, restart) is dropped and resumed after its
   * last event id, after a backoff; the read fails once `limits.giveUpMs` pass without a new event.
   */
  async readEvents(path: string, out: ReadSse, maxEvents = Number.POSITIVE_INFINITY): Promise<ReadSse> {
    let progressAt = Date.now();
    for (let attempt = 1; ; attempt++) {
      const before = out.events.length;
      let failure: string;
      let answer: Answer | undefined;
      try {
        answer = await this.#inSlot((signal) => this.#readOnce(path, out, maxEvents, signal));
        if (answer === undefined) return out;
        failure = `${answer.status} ${answer.text.slice(0, 200)}`;
      } catch (error) {
        this.#count(error);
        failure = String(error);
      }
      if (answer && !retryable(answer)) throw new Error(`${path.split("?")[0]} answered ${failure}`);
      if (answer?.status === 429) this.#stats.busy++;
      else if (answer) this.#stats.runtimeRestarts++;
      if (out.events.length > before) {
        progressAt = Date.now();
        attempt = 1;
      }
      if (Date.now() - progressAt > this.#limits.giveUpMs) {
        throw new Error(
          `reading ${path.split("?")[0]}: no new event for ${Date.now() - progressAt} ms (${attempt} attempts), last: ${failure}`,
        );
      }
      this.#stats.resumes++;
      await this.#delay(attempt, answer?.retryAfterS);
    }
  }

  /** One connection of readEvents: undefined when the stream ended (or had enough), else the refusal. */
  async #readOnce(path: string, out: ReadSse, maxEvents: number, signal: AbortSignal): Promise<Answer | undefined> {
    const last = out.events.at(-1)?.id;
    const headers = last === undefined ? this.#auth : { ...this.#auth, "Last-Event-ID": String(last) };
    // The answer's headers within requestMs; after that the stream's own idle timeout watches it.
    const unanswered = new AbortController();
    const timer = setTimeout(
      () => unanswered.abort(new DOMException(`no answer in ${this.#limits.requestMs} ms`, "TimeoutError")),
      this.#limits.requestMs,
    );
    const res = await fetch(`${this.#base}${path}`, {
      headers,
      signal: AbortSignal.any([signal, unanswered.signal]),
    }).finally(() => clearTimeout(timer));
    if (res.status === 200) {
      await readSseInto(res, out, maxEvents, this.#limits.idleMs);
      return undefined;
    }
    const text = await res.text();
    if (res.status === 204) return undefined;
    const retryAfter = res.headers.get("Retry-After");
    return { status: res.status, text, retryAfterS: retryAfter === null ? undefined : Number(retryAfter) };
  }
}
