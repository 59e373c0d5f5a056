/**
 * The relay Durable Object (docs/scale.md): a thin shell that hands its SQLite to a Relay and
 * opens follower streams over fetch. Its name is `<session id>/<n>`; the Worker checks each
 * follower's access at the session before it sends the follower here.
 */
import { DurableObject } from "cloudflare:workers";
import { loadConfig } from "../env";
import { streamLeaseCalls } from "../limits/leases";
import { SESSION_BUSY_RETRY_SECONDS } from "../limits/user-limits";
import { errorResponse } from "../protocol/errors";
import type { Caller } from "../session/access";
import { LeaseRegistry } from "../session/lease-registry";
import { RELAY_PURGE_PATH } from "../session/relay-copies";
import { callerFromParams, type SessionObject, setCallerParams } from "../session/session-object";
import { Relay } from "./relay";
import type { FeedSource } from "./relay-feed";
import { RelayLifetime } from "./relay-lifetime";
import { relayName } from "./relay-names";

/**
 * Internal URL of a follower's stream: `?session=<id>&after=<n>&head=<session head>&max=<followers>`,
 * the stream lease's id (`lease`, held by the relay from then on) and the caller's params.
 */
export const FOLLOW_PATH = "/follow";

/** What the Worker admitted a follower under: the relay's cap on followers and the user's stream lease. */
export interface FollowAdmission {
  maxFollowers: number;
  lease: string;
}

function sessionStub(env: Env, sessionId: string): DurableObjectStub<SessionObject> {
  const namespace = env.SESSIONS as DurableObjectNamespace<SessionObject>;
  return namespace.get(namespace.idFromName(sessionId));
}

/** The relay's feed: the session object's relay RPCs, as relay object `relayId` (its copy is deleted with the session). */
export function sessionFeed(env: Env, sessionId: string, relayId: string): FeedSource {
  const stub = () => sessionStub(env, sessionId);
  // A fresh stub per call: a stub whose object was restarted throws on every later call.
  return { next: (afterId, maxRows, timeoutMs) => stub().relayNext(relayId, afterId, maxRows, timeoutMs) };
}

/** The URL that opens a follower's stream at a relay, for `caller` (checked at the session just before). */
export function followUrl(
  sessionId: string,
  afterId: number,
  sessionHead: number,
  caller: Caller,
  admission: FollowAdmission,
): URL {
  const url = new URL(`https://relay${FOLLOW_PATH}`);
  url.searchParams.set("session", sessionId);
  url.searchParams.set("after", String(afterId));
  url.searchParams.set("head", String(sessionHead));
  url.searchParams.set("max", String(admission.maxFollowers));
  url.searchParams.set("lease", admission.lease);
  setCallerParams(url.searchParams, caller);
  return url;
}

export class RelayObject extends DurableObject<Env> {
  /** The relay (made when first needed, and again after a purge: a session id can be used again). */
  #relay: Relay | undefined;
  /** The session this relay follows (its name is `<session id>/<n>`) and the alarm that outlives a lost deletion. */
  #lifetime: RelayLifetime;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#lifetime = this.#newLifetime();
  }

  #newLifetime(): RelayLifetime {
    const config = loadConfig(this.env);
    return new RelayLifetime({
      sql: this.ctx.storage.sql,
      setAlarm: (at) => void this.ctx.storage.setAlarm(at),
      checkEveryMs: config.sessionTtlSeconds * 1000,
    });
  }

  get #current(): Relay {
    this.#relay ??= this.#newRelay();
    return this.#relay;
  }

  #newRelay(): Relay {
    const { ctx, env } = this;
    const config = loadConfig(env);
    const relay: Relay = new Relay({
      sql: ctx.storage.sql,
      transactionSync: (fn) => ctx.storage.transactionSync(fn),
      checkAccess: (callers) => {
        const sessionId = this.#lifetime.sessionId;
        return sessionId === undefined
          ? Promise.resolve(callers.map(() => false))
          : sessionStub(env, sessionId).mayRead(callers);
      },
      leases: new LeaseRegistry(streamLeaseCalls(env), config.streamLeaseSeconds * 1000),
      // The session is gone (relay.ts purge): the copy goes, and a later follower starts afresh.
      deleteAll: async () => {
        // The alarm goes last: should the deletion fail, it is still set and tries again.
        await ctx.storage.deleteAll();
        await ctx.storage.deleteAlarm();
        if (this.#relay !== relay) return;
        this.#relay = undefined;
        this.#lifetime = this.#newLifetime();
      },
      heartbeatMs: config.heartbeatMs,
      retryMs: config.sseRetryMs,
      pageRows: config.replayPageRows,
    });
    return relay;
  }

  /** The relay's head and open followers (for tests and the bench). */
  async status(): Promise<{ head: number; followers: number; feed: string }> {
    const relay = this.#current;
    return { head: relay.log.head, followers: relay.followers, feed: relay.feedState };
  }

  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === RELAY_PURGE_PATH && request.method === "POST") {
      // The session was deleted (session/relay-copies.ts): its followers end and the copy goes.
      await this.#current.purge();
      return new Response(null, { status: 204 });
    }
    const params = url.searchParams;
    const sessionId = params.get("session");
    const [after, head, max] = ["after", "head", "max"].map((name) => Number(params.get(name)));
    const lease = params.get("lease");
    const valid = [after, head, max].every(Number.isSafeInteger);
    if (url.pathname !== FOLLOW_PATH || !sessionId || !lease || !valid) {
      return errorResponse("not_found", "no such route");
    }
    const caller = callerFromParams(params);
    this.#lifetime.remember(sessionId);
    const relay = this.#current;
    relay.follow(sessionFeed(this.env, sessionId, this.ctx.id.toString()));
    const opened = relay.open(after, head, caller, {
      maxFollowers: max,
      lease: { userId: caller.userId, id: lease },
    });
    if (!opened.ok) {
      const retry = opened.code === "rate_limited" ? { "Retry-After": String(SESSION_BUSY_RETRY_SECONDS) } : undefined;
      return errorResponse(opened.code, opened.message, retry);
    }
    return new Response(opened.stream, { headers: { "Content-Type": "text/event-stream; charset=utf-8" } });
  }

  /** Deletes the copy once its session is gone, should the session's own call to do so have been lost (relay-lifetime.ts). */
  async alarm(): Promise<void> {
    const relay = this.#current;
    const exists = async (sessionId: string) =>
      (await sessionFeed(this.env, sessionId, this.ctx.id.toString()).next(relay.log.head, 1, 0)) !== undefined;
    if ((await this.#lifetime.onAlarm(relay.followers, exists)) === "purge") await relay.purge();
  }
}

/** The relay `n` of a session (`placement`: the region it should start in, docs/scale.md). */
export function relayStub(
  env: Env,
  sessionId: string,
  n: number,
  placement?: DurableObjectLocationHint,
): DurableObjectStub<RelayObject> {
  const namespace = env.RELAY_OBJECTS as DurableObjectNamespace<RelayObject>;
  return namespace.get(namespace.idFromName(relayName(sessionId, n)), placement && { locationHint: placement });
}
