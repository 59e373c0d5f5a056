/**
 * The Durable Stream object: one per stream path, a thin shell that hands its SQLite storage,
 * clock and alarm to a StreamHandler and its readers to the same FanOut the sessions use.
 * The Worker (src/http/stream-routes.ts) forwards each authenticated request here over fetch,
 * so a reader's disconnect cancels its stream here too.
 */
import { DurableObject } from "cloudflare:workers";
import { loadConfig } from "../env";
import { FanOut } from "../session/fan-out";
import { StreamHandler } from "./stream-handler";
import { StreamStore } from "./stream-store";

export class StreamObject extends DurableObject<Env> {
  readonly #handler: StreamHandler;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const config = loadConfig(env);
    this.#handler = new StreamHandler(new StreamStore(ctx.storage.sql), new FanOut(), {
      maxStreamBytes: config.maxStreamBytes,
      longPollMs: config.streamLongPollMs,
      sseKeepAliveMs: config.streamLongPollMs,
      sseLifetimeMs: config.streamSseLifetimeMs,
      setAlarm: (at) => void ctx.storage.setAlarm(at),
    });
  }

  async fetch(request: Request): Promise<Response> {
    return this.#handler.handle(request);
  }

  async alarm(): Promise<void> {
    this.#handler.onAlarm();
  }
}
