/** How anything reaches a stream's object: one object per stream path, named by it. */
import type { StreamObject } from "./stream-object";

/** Where stream paths start: a stream's URL path is this prefix and its name. */
export const STREAM_PREFIX = "/v1/stream/";

export function streamObject(env: Env, path: string): DurableObjectStub<StreamObject> {
  const namespace = env.STREAMS as DurableObjectNamespace<StreamObject>;
  return namespace.get(namespace.idFromName(`stream:${path}`));
}
