/** An in-memory LimitsStore, for testing UserLimits and BufferedLeaseStore under Node. */
import type { DurableLimitsStore } from "../../src/limits/buffered-lease-store";
import type { DayTokens } from "../../src/limits/daily-tokens";
import type { Bucket } from "../../src/limits/token-bucket";
import type { Lease, LeaseKind } from "../../src/limits/user-limits";

export class MemoryLeaseStore implements DurableLimitsStore {
  leases = new Map<string, Lease>();
  bucket: Bucket | undefined;
  dayTokens: DayTokens | undefined;

  purge(now: number): void {
    for (const [id, lease] of this.leases) if (lease.expiresAt <= now) this.leases.delete(id);
  }
  list(kind: LeaseKind): Lease[] {
    return [...this.leases.values()].filter((lease) => lease.kind === kind);
  }
  all(): Lease[] {
    return [...this.leases.values()].map((lease) => ({ ...lease }));
  }
  get(id: string): Lease | undefined {
    return this.leases.get(id);
  }
  put(lease: Lease): void {
    this.leases.set(lease.id, { ...lease });
  }
  delete(id: string): void {
    this.leases.delete(id);
  }
  getBucket(): Bucket | undefined {
    return this.bucket;
  }
  setBucket(bucket: Bucket): void {
    this.bucket = { ...bucket };
  }
  getDayTokens(): DayTokens | undefined {
    return this.dayTokens;
  }
  setDayTokens(counted: DayTokens): void {
    this.dayTokens = { ...counted };
  }
}
