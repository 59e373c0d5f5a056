/**
 * How the Worker reaches a session's Durable Object: one stub per session id, and the event
 * stream opened over fetch and dressed with the SSE response headers.
 */
import type { Caller } from "../session/access";
import { EVENTS_PATH, type SessionObject, SOCKET_PATH, setCallerParams } from "../session/session-object";

/** Headers every SSE response carries. */
export const SSE_HEADERS = {
  "Content-Type": "text/event-stream; charset=utf-8",
  "Cache-Control": "no-cache, no-transform",
  "X-Accel-Buffering": "no",
} as const;

export function sessionStub(env: Env, sessionId: string): DurableObjectStub<SessionObject> {
  const namespace = env.SESSIONS as DurableObjectNamespace<SessionObject>;
  return namespace.get(namespace.idFromName(sessionId));
}

/**
 * Opens the session's log as SSE after `afterId` (until `runId` ends, when given; refused with 429
 * when the session already has `maxReaders` open streams and sockets). Passes the object's 204 and
 * JSON errors through unchanged. A stream lease (its id) passed here belongs to the session object
 * from then on: it renews it while the stream is open and releases it when the stream ends or is
 * refused.
 */
export async function openEventStream(
  stub: DurableObjectStub<SessionObject>,
  params: {
    caller: Caller;
    afterId: number;
    runId?: string;
    maxReaders?: number;
    lease?: string;
  },
  headers: Record<string, string> = {},
): Promise<Response> {
  const url = new URL(`https://session${EVENTS_PATH}`);
  setCallerParams(url.searchParams, params.caller);
  url.searchParams.set("after", String(params.afterId));
  if (params.runId) url.searchParams.set("run", params.runId);
  if (params.maxReaders !== undefined) url.searchParams.set("max", String(params.maxReaders));
  if (params.lease) url.searchParams.set("lease", params.lease);
  const response = await stub.fetch(url);
  if (response.status !== 200) return response;
  return new Response(response.body, { status: 200, headers: { ...SSE_HEADERS, ...headers } });
}

/**
 * The URL a client follows to read a run's events (from the run's first event); with a read token
 * it works without headers, as EventSource needs.
 */
export function eventsUrl(sessionId: string, firstEventId: number, readToken?: string): string {
  const url = `/sessions/${sessionId}/events?last_event_id=${firstEventId - 1}`;
  return readToken === undefined ? url : `${url}&token=${encodeURIComponent(readToken)}`;
}

/**
 * Forwards a WebSocket upgrade to the session's object, which accepts it with hibernation (or
 * answers 429 when the session already has `maxStreams` open streams and sockets). Like an event
 * stream, the socket holds the stream lease `lease` from then on.
 */
export function openSocket(
  stub: DurableObjectStub<SessionObject>,
  params: { caller: Caller; afterId: number; maxStreams: number; lease: string },
): Promise<Response> {
  const url = new URL(`https://session${SOCKET_PATH}`);
  url.searchParams.set("max", String(params.maxStreams));
  url.searchParams.set("lease", params.lease);
  setCallerParams(url.searchParams, params.caller);
  url.searchParams.set("after", String(params.afterId));
  return stub.fetch(url, { headers: { Upgrade: "websocket" } });
}
