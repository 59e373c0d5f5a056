/**
 * The least a Worker on this runtime can do for an idle WebSocket follower, to measure its memory
 * floor beside ours and the Agents SDK's (bench/lib/agents-memory.mjs): the Worker forwards the
 * upgrade to one Durable Object, as both services do, which accepts it with the hibernation API,
 * stores a small attachment, answers pings in the runtime, and sends one short message.
 *
 *   GET /health     200 "ok"
 *   WS  /ws         one hibernatable socket on the one object; its first message is "hello"
 *   WS  /ws?rpc     the same after one RPC to a second object, as ours asks the user's limits
 *                   object for a stream lease before forwarding the upgrade
 */
import { DurableObject } from "cloudflare:workers";

interface Env {
  FLOOR: DurableObjectNamespace<IdleFloor>;
}

export class IdleFloor extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  /** The second object's RPC (a stand-in for the stream lease). */
  lease(): string {
    return crypto.randomUUID();
  }

  override async fetch(): Promise<Response> {
    const [client, server] = Object.values(new WebSocketPair());
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment({ userId: "bench", cursor: 0, sent: 0, acked: 0 });
    server.send("hello");
    return new Response(null, { status: 101, webSocket: client });
  }
}

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (pathname === "/health") return new Response("ok");
    if (pathname !== "/ws" || request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return new Response("not found", { status: 404 });
    }
    if (new URL(request.url).searchParams.has("rpc")) await env.FLOOR.get(env.FLOOR.idFromName("limits")).lease();
    return env.FLOOR.get(env.FLOOR.idFromName("floor")).fetch(request);
  },
} satisfies ExportedHandler<Env>;
