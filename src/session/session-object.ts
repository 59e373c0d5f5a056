/**
 * The session Durable Object: a thin shell that hands its SQLite storage and alarm to a Session
 * and exposes it over RPC (commands) and fetch (the event stream, whose cancellation on client
 * disconnect propagates reliably over fetch).
 */
import { DurableObject } from "cloudflare:workers";
import { type SyntheticRunInput, startSyntheticRun } from "../bench/synthetic-run";
import { loadConfig } from "../env";
import { selectProvider } from "../llm/select-provider";
import { errorResponse, type Failure } from "../protocol/errors";
import { Session, type Started, type StartInput } from "./session";

/** Internal URL the Worker uses to open a session's event stream. */
export const EVENTS_PATH = "/events";

export class SessionObject extends DurableObject<Env> {
  #session: Session;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const config = loadConfig(env);
    this.#session = new Session({
      sql: ctx.storage.sql,
      config,
      llm: selectProvider(env, config),
      setAlarm: (at) => void ctx.storage.setAlarm(at),
      deleteAll: async () => {
        await ctx.storage.deleteAlarm();
        await ctx.storage.deleteAll();
      },
    });
  }

  async startRun(input: StartInput): Promise<Started | Failure> {
    return this.#session.startRun(input);
  }

  /** Bench only: a run fed by the synthetic source; refused unless BENCH_ROUTES is on. */
  async benchRun(input: SyntheticRunInput): Promise<Started | Failure> {
    return startSyntheticRun(this.#session, this.env, input);
  }

  async cancel(userId: string) {
    return this.#session.cancel(userId);
  }

  async snapshot(userId: string) {
    return this.#session.snapshot(userId);
  }

  async destroy(userId: string) {
    return this.#session.destroy(userId);
  }

  /** `GET /events?user=&after=&run=`: the SSE stream, or 204, or a JSON error. */
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname !== EVENTS_PATH) return errorResponse("not_found", "no such route");
    const after = Number(url.searchParams.get("after") ?? "0");
    const result = this.#session.openEvents(
      url.searchParams.get("user") ?? "",
      after,
      url.searchParams.get("run") ?? undefined,
    );
    if (!result.ok) return errorResponse(result.code, result.message);
    if (result.status === 204) return new Response(null, { status: 204 });
    return new Response(result.stream, { headers: { "Content-Type": "text/event-stream; charset=utf-8" } });
  }

  async alarm(): Promise<void> {
    await this.#session.onAlarm();
  }
}
