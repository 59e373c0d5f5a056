/**
 * The session object's side of the per-user stream limit. The Worker takes a stream's lease before
 * opening it and hands the lease to the session object, which owns it from then on: the object is
 * the one party that reliably sees its reader stream end (a Worker whose client vanished may never
 * run its cleanup), so it renews the lease while the stream is open and releases it when it ends.
 */
import { userLimitsStub } from "./user-limits-object";

/** A stream lease as the reader stream uses it. */
export interface ReaderLease {
  /** Renew at least this often while the stream is open, ms. */
  renewEveryMs: number;
  renew(): void;
  release(): void;
}

function report(what: string) {
  return (error: unknown) => console.error(JSON.stringify({ level: "error", msg: what, error: String(error) }));
}

/** The lease `leaseId` of `userId`, renewed for `ttlMs` at a time. */
export function streamLease(env: Env, userId: string, leaseId: string, ttlMs: number): ReaderLease {
  const stub = () => userLimitsStub(env, userId);
  return {
    renewEveryMs: Math.max(100, ttlMs / 3),
    renew: () => void stub().renew("stream", leaseId, ttlMs).catch(report("stream lease renew failed")),
    release: () => void stub().release(leaseId).catch(report("stream lease release failed")),
  };
}
