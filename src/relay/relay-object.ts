/**
 * The relay Durable Object (docs/scale.md): a thin shell that hands its SQLite to a Relay and
 * opens follower streams over fetch. Its name is `<session id>/<n>`; the Worker checks each
 * follower's access at the session before it sends the follower here.
 */
import { DurableObject } from "cloudflare:workers";
import { loadConfig } from "../env";
import { errorResponse } from "../protocol/errors";
import type { Caller } from "../session/access";
import { callerFromParams, type SessionObject, setCallerParams } from "../session/session-object";
import { Relay } from "./relay";
import type { FeedSource } from "./relay-feed";
import { relayName } from "./relay-names";

/** Internal URL of a follower's stream: `?session=<id>&after=<n>&head=<session head>` and the caller's params. */
export const FOLLOW_PATH = "/follow";

function sessionStub(env: Env, sessionId: string): DurableObjectStub<SessionObject> {
  const namespace = env.SESSIONS as DurableObjectNamespace<SessionObject>;
  return namespace.get(namespace.idFromName(sessionId));
}

/** The relay's feed: the session object's relay RPCs. */
export function sessionFeed(env: Env, sessionId: string): FeedSource {
  const stub = () => sessionStub(env, sessionId);
  // A fresh stub per call: a stub whose object was restarted throws on every later call.
  return { next: (afterId, maxRows, timeoutMs) => stub().relayNext(afterId, maxRows, timeoutMs) };
}

/** The URL that opens a follower's stream at a relay, for `caller` (checked at the session just before). */
export function followUrl(sessionId: string, afterId: number, sessionHead: number, caller: Caller): URL {
  const url = new URL(`https://relay${FOLLOW_PATH}`);
  url.searchParams.set("session", sessionId);
  url.searchParams.set("after", String(afterId));
  url.searchParams.set("head", String(sessionHead));
  setCallerParams(url.searchParams, caller);
  return url;
}

export class RelayObject extends DurableObject<Env> {
  readonly #relay: Relay;
  /** The session this relay follows, once a follower named it (its name is `<session id>/<n>`). */
  #sessionId: string | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const config = loadConfig(env);
    this.#relay = new Relay({
      sql: ctx.storage.sql,
      transactionSync: (fn) => ctx.storage.transactionSync(fn),
      checkAccess: (callers) =>
        this.#sessionId === undefined
          ? Promise.resolve(callers.map(() => false))
          : sessionStub(env, this.#sessionId).mayRead(callers),
      heartbeatMs: config.heartbeatMs,
      retryMs: config.sseRetryMs,
      pageRows: config.replayPageRows,
    });
  }

  /** The relay's head and open followers (for tests and the bench). */
  async status(): Promise<{ head: number; followers: number; feed: string }> {
    return { head: this.#relay.log.head, followers: this.#relay.followers, feed: this.#relay.feedState };
  }

  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const params = url.searchParams;
    const sessionId = params.get("session");
    const after = Number(params.get("after"));
    const head = Number(params.get("head"));
    if (url.pathname !== FOLLOW_PATH || !sessionId || !Number.isSafeInteger(after) || !Number.isSafeInteger(head)) {
      return errorResponse("not_found", "no such route");
    }
    this.#sessionId = sessionId;
    this.#relay.follow(sessionFeed(this.env, sessionId));
    const opened = this.#relay.open(after, head, callerFromParams(params));
    if (!opened.ok) return errorResponse(opened.code, opened.message);
    return new Response(opened.stream, { headers: { "Content-Type": "text/event-stream; charset=utf-8" } });
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
