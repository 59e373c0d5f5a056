/**
 * The Durable Stream object: one per stream path, a thin shell that hands its SQLite storage,
 * clock and alarm to a StreamHandler and its readers to the same FanOut the sessions use.
 * The Worker (src/http/stream-routes.ts) forwards each authenticated request here over fetch,
 * so a reader's disconnect cancels its stream here too.
 */
import { DurableObject } from "cloudflare:workers";
import { loadConfig } from "../env";
import { userLimitsStub } from "../limits/user-limits-object";
import { FanOut } from "../session/fan-out";
import type { ForkSources, StreamQuota } from "./stream-create";
import type { ForkAsk, ForkGrant } from "./stream-fork-source";
import { StreamHandler } from "./stream-handler";
import { StreamStore } from "./stream-store";
import { STREAM_PREFIX, streamObject } from "./stream-stub";

/** A fork's sources, reached over RPC; a path outside /v1/stream/ names no stream (404). */
function forkSources(env: Env): ForkSources {
  const stub = (source: string) =>
    source.startsWith(STREAM_PREFIX) ? streamObject(env, source.slice(STREAM_PREFIX.length)) : undefined;
  return {
    begin: async (source, ask) =>
      (await stub(source)?.forkBegin(ask)) ?? {
        ok: false,
        code: "not_found",
        message: "the source stream does not exist",
      },
    page: async (source, from, until) => (await stub(source)?.forkPage(from, until)) ?? { items: [], next: from },
    release: async (source) => {
      await stub(source)?.forkRelease();
    },
  };
}

/** The owners' stream counts, in their limits objects. */
function streamQuota(env: Env, max: number): StreamQuota {
  return {
    admit: (userId) => userLimitsStub(env, userId).admitDurableStream(max),
    release: async (userId) => {
      await userLimitsStub(env, userId).releaseDurableStream();
    },
  };
}

export class StreamObject extends DurableObject<Env> {
  readonly #handler: StreamHandler;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const config = loadConfig(env);
    this.#handler = new StreamHandler(new StreamStore(ctx.storage.sql), new FanOut(), {
      maxStreamBytes: config.maxStreamBytes,
      deps: { sources: forkSources(env), quota: streamQuota(env, config.maxDurableStreamsPerUser) },
      longPollMs: config.streamLongPollMs,
      sseKeepAliveMs: config.streamLongPollMs,
      sseLifetimeMs: config.streamSseLifetimeMs,
      setAlarm: (at) => void ctx.storage.setAlarm(at),
    });
  }

  async fetch(request: Request): Promise<Response> {
    return this.#handler.handle(request);
  }

  /** RPC from a fork being created: check and count it (stream-fork-source.ts). */
  async forkBegin(ask: ForkAsk): Promise<ForkGrant> {
    return this.#handler.forkBegin(ask);
  }

  /** RPC from a fork being created: a page of the data it inherits. */
  async forkPage(from: number, until: number): Promise<{ items: (Uint8Array | string)[]; next: number }> {
    return this.#handler.forkPage(from, until);
  }

  /** RPC from a fork that was deleted or expired. */
  async forkRelease(): Promise<void> {
    this.#handler.forkRelease();
  }

  async alarm(): Promise<void> {
    this.#handler.onAlarm();
  }
}
