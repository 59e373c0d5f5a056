/**
 * The session Durable Object: a thin shell that hands its SQLite storage and alarm to a Session
 * and exposes it over RPC (commands) and fetch (the event stream, whose cancellation on client
 * disconnect propagates reliably over fetch).
 */
import { DurableObject } from "cloudflare:workers";
import { loadConfig } from "../env";
import { streamLeaseCalls } from "../limits/leases";
import { SESSION_BUSY_RETRY_SECONDS } from "../limits/user-limits";
import { selectProvider } from "../llm/select-provider";
import { errorResponse, type Failure } from "../protocol/errors";
import type { GrantableRole } from "../protocol/roles";
import { WS_PING, WS_PONG } from "../protocol/ws";
import type { Caller } from "./access";
import { type LogPage, RELAY_READER, readLogPage, waitForLog } from "./log-view";
import { purgeRelayCopies, RelayCopies } from "./relay-copies";
import { runHooks, sessionHooks } from "./run-hooks";
import { RESTART_ALARM_DELAY_MS } from "./run-watchdog";
import { type ReviewAnswer, Session, type Started, type StartInput } from "./session";

/** Internal URLs the Worker uses to open a session's event stream and WebSocket. */
export const EVENTS_PATH = "/events";
export const SOCKET_PATH = "/ws";

/** Puts the caller in an internal URL's query: `user`, `share` (a share link's id), `write` (not read-only). */
export function setCallerParams(params: URLSearchParams, caller: Caller): void {
  params.set("user", caller.userId);
  if (caller.shareId !== undefined) params.set("share", caller.shareId);
  params.set("write", caller.readOnly ? "0" : "1");
}

/** The caller an internal URL carries (setCallerParams). */
export function callerFromParams(params: URLSearchParams): Caller {
  const caller: Caller = { userId: params.get("user") ?? "", readOnly: params.get("write") !== "1" };
  const shareId = params.get("share");
  return shareId === null ? caller : { ...caller, shareId };
}

/** A full session asks the client to come back after a fixed pause. */
function retryAfter(code: string): Record<string, string> | undefined {
  return code === "rate_limited" ? { "Retry-After": String(SESSION_BUSY_RETRY_SECONDS) } : undefined;
}

/**
 * Throws the object's instance away, as a crash would, once its alarm is set to wake a new one
 * (which resumes the unfinished run): what the run watchdog does to a stalled run.
 */
export async function restartObject(ctx: DurableObjectState, reason: string): Promise<void> {
  await ctx.storage.setAlarm(Date.now() + RESTART_ALARM_DELAY_MS);
  await ctx.storage.sync();
  ctx.abort(reason);
}

export class SessionObject extends DurableObject<Env> {
  /** The session this object runs (protected: the bench's object adds its own RPC over it). */
  protected readonly session: Session;
  /** The relays that copied this session's log (deleted with it). */
  readonly #relayCopies: RelayCopies;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const config = loadConfig(env);
    const relayCopies = new RelayCopies(ctx.storage.sql);
    this.#relayCopies = relayCopies;
    const llm = selectProvider(env, config);
    this.session = new Session({
      sql: ctx.storage.sql,
      transactionSync: (fn) => ctx.storage.transactionSync(fn),
      config,
      llm,
      setAlarm: (at) => void ctx.storage.setAlarm(at),
      deleteAll: async () => {
        const relays = relayCopies.list();
        await ctx.storage.deleteAlarm();
        await ctx.storage.deleteAll();
        relayCopies.forget();
        // By the owner or at expiry alike: the relays' copies of the log go with the session.
        await purgeRelayCopies(env.RELAY_OBJECTS, relays);
      },
      sockets: () => ctx.getWebSockets(),
      leases: streamLeaseCalls(env),
      restart: (reason) => restartObject(ctx, reason),
      ...runHooks(env, llm.defaultModel),
      ...sessionHooks(env, ctx.storage.sql),
    });
    // Heartbeats are answered by the runtime, so an idle socket never wakes the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(WS_PING, WS_PONG));
  }

  async startRun(input: StartInput): Promise<Started | Failure> {
    return this.session.startRun(input);
  }

  async cancel(caller: Caller | string) {
    return this.session.cancel(caller);
  }

  async input(caller: Caller | string, answer: ReviewAnswer) {
    return this.session.input(caller, answer);
  }

  async message(caller: Caller | string, text: string) {
    return this.session.message(caller, text);
  }

  async snapshot(caller: Caller | string) {
    return this.session.snapshot(caller);
  }

  async destroy(caller: Caller | string) {
    return this.session.destroy(caller);
  }

  // Members and share links (session-sharing.ts).
  async listMembers(caller: Caller) {
    return this.session.sharing.listMembers(caller);
  }

  async putMember(caller: Caller, userId: string, role: GrantableRole) {
    return this.session.sharing.putMember(caller, userId, role);
  }

  async removeMember(caller: Caller, userId: string) {
    return this.session.sharing.removeMember(caller, userId);
  }

  async createShare(caller: Caller, role: GrantableRole, ttlSeconds: number) {
    return this.session.sharing.createShare(caller, role, ttlSeconds);
  }

  async listShares(caller: Caller) {
    return this.session.sharing.listShares(caller);
  }

  async revokeShare(caller: Caller, shareId: string) {
    return this.session.sharing.revokeShare(caller, shareId);
  }

  /** A page of the log after `afterId` for a caller who may read it (the session read as a Durable Stream), or undefined. */
  async streamPage(caller: Caller | string, afterId: number, maxRows: number): Promise<LogPage | undefined> {
    const view = this.session.logView(caller);
    return view && readLogPage(view, afterId, maxRows);
  }

  /** Resolves once the log has an event after `afterId`, or after `timeoutMs` (for a caller who may read it). */
  async streamWait(caller: Caller | string, afterId: number, timeoutMs: number): Promise<void> {
    const view = this.session.logView(caller);
    if (view) await waitForLog(view, afterId, timeoutMs);
  }

  /**
   * For the session's relays (relay/): the log after `afterId` as soon as it has an event past it
   * (an empty page after `timeoutMs`), one call per flush; undefined once the session is gone.
   * `relayId` is the calling relay's object id: its copy is deleted with the session.
   */
  async relayNext(relayId: string, afterId: number, maxRows: number, timeoutMs: number): Promise<LogPage | undefined> {
    const view = this.session.logView(RELAY_READER);
    if (!view) return undefined;
    this.#relayCopies.record(relayId);
    await waitForLog(view, afterId, timeoutMs);
    const after = this.session.logView(RELAY_READER);
    return after && readLogPage(after, afterId, maxRows);
  }

  /** Which of `callers` may read the session now (a relay rechecks the callers it serves: relay/relay-access.ts). */
  async mayRead(callers: Caller[]): Promise<boolean[]> {
    return callers.map((caller) => this.session.logView(caller) !== undefined);
  }

  /**
   * `GET /events?user=&after=&run=&max=&lease=`: the SSE stream, or 204, or a JSON error.
   * `GET /ws?user=&after=&write=&max=&lease=`: a hibernatable WebSocket on the same log.
   * `max` is the session's limit of open streams (SSE and sockets together); `lease` the user's
   * stream lease, held by the session from here on (given back at once when refused).
   */
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const params = url.searchParams;
    const caller = callerFromParams(params);
    const after = Number(params.get("after") ?? "0");
    const max = Number(params.get("max") ?? Number.POSITIVE_INFINITY);
    const maxStreams = Number.isNaN(max) ? Number.POSITIVE_INFINITY : max;
    const leaseId = params.get("lease") ?? undefined;
    if (url.pathname === SOCKET_PATH) {
      return this.#openSocket(caller, after, maxStreams, leaseId);
    }
    if (url.pathname !== EVENTS_PATH) return errorResponse("not_found", "no such route");
    const result = this.session.openEvents(caller, after, {
      untilRunEnds: params.get("run") ?? undefined,
      maxReaders: maxStreams,
      lease: leaseId ? { userId: caller.userId, id: leaseId } : undefined,
    });
    if (!result.ok) return errorResponse(result.code, result.message, retryAfter(result.code));
    if (result.status === 204) return new Response(null, { status: 204 });
    return new Response(result.stream, { headers: { "Content-Type": "text/event-stream; charset=utf-8" } });
  }

  #openSocket(caller: Caller, afterId: number, maxStreams: number, lease?: string): Response {
    const allowed = this.session.sockets.canOpen(caller, afterId, maxStreams, lease);
    if (!allowed.ok) return errorResponse(allowed.code, allowed.message, retryAfter(allowed.code));
    const [client, server] = Object.values(new WebSocketPair());
    this.ctx.acceptWebSocket(server);
    this.session.sockets.attach(server, { caller, canWrite: !caller.readOnly, afterId, lease });
    return new Response(null, { status: 101, webSocket: client });
  }

  async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    this.session.sockets.onMessage(ws, message);
  }

  async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    this.session.sockets.closed(ws);
    // Complete the closing handshake; 1005/1006 are reserved and cannot be sent back.
    ws.close(code === 1005 || code === 1006 ? 1000 : code, reason);
  }

  async webSocketError(ws: WebSocket): Promise<void> {
    this.session.sockets.closed(ws);
  }

  async alarm(): Promise<void> {
    await this.session.onAlarm();
  }
}
