/**
 * The relay object as the bench's Worker exports it: the production relay plus one RPC that
 * throws its instance away, as an eviction or a crash would, and `POST /_bench/relays/:id/:n/abort`
 * to call it (the bench's relay scenario resumes its followers across it). Never part of the
 * production Worker.
 */
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../http/app-env";
import { SessionId, validate } from "../http/validation";
import { MAX_RELAYS_PER_SESSION } from "../relay/relay-names";
import { RelayObject, relayStub } from "../relay/relay-object";

export class BenchRelayObject extends RelayObject {
  /** Ends this instance after answering: its followers' streams break, the next request starts a new one. */
  async benchAbort(): Promise<void> {
    setTimeout(() => this.ctx.abort("bench: relay restart"), 0);
  }
}

const RelayParam = z.object({
  id: SessionId,
  n: z.coerce
    .number()
    .int()
    .min(0)
    .max(MAX_RELAYS_PER_SESSION - 1),
});

export const relayBenchRoutes = new Hono<AppEnv>().post(
  "/relays/:id/:n/abort",
  validate("param", RelayParam),
  async (c) => {
    const { id, n } = c.req.valid("param");
    const stub = relayStub(c.env, id, n) as unknown as DurableObjectStub<BenchRelayObject>;
    await stub.benchAbort();
    return c.body(null, 204);
  },
);
