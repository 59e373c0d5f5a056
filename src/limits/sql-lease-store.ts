/** The LimitsStore in the user object's SQLite storage: one row per lease, one for the bucket. */
import type { Bucket } from "./token-bucket";
import type { Lease, LeaseKind, LimitsStore } from "./user-limits";

type LeaseRow = { id: string; kind: LeaseKind; expires_at: number };

export class SqlLeaseStore implements LimitsStore {
  #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    sql.exec(
      "CREATE TABLE IF NOT EXISTS leases (id TEXT PRIMARY KEY, kind TEXT NOT NULL, expires_at INTEGER NOT NULL)",
    );
    sql.exec("CREATE TABLE IF NOT EXISTS bucket (k INTEGER PRIMARY KEY, tokens REAL NOT NULL, at INTEGER NOT NULL)");
  }

  purge(now: number): void {
    this.#sql.exec("DELETE FROM leases WHERE expires_at <= ?", now);
  }

  list(kind: LeaseKind): Lease[] {
    return this.#sql
      .exec<LeaseRow>("SELECT id, kind, expires_at FROM leases WHERE kind = ?", kind)
      .toArray()
      .map((row) => ({ id: row.id, kind: row.kind, expiresAt: row.expires_at }));
  }

  get(id: string): Lease | undefined {
    const row = this.#sql.exec<LeaseRow>("SELECT id, kind, expires_at FROM leases WHERE id = ?", id).toArray()[0];
    return row ? { id: row.id, kind: row.kind, expiresAt: row.expires_at } : undefined;
  }

  put(lease: Lease): void {
    this.#sql.exec(
      "INSERT OR REPLACE INTO leases (id, kind, expires_at) VALUES (?, ?, ?)",
      lease.id,
      lease.kind,
      lease.expiresAt,
    );
  }

  delete(id: string): void {
    this.#sql.exec("DELETE FROM leases WHERE id = ?", id);
  }

  getBucket(): Bucket | undefined {
    const row = this.#sql
      .exec<{ tokens: number; at: number }>("SELECT tokens, at FROM bucket WHERE k = 0")
      .toArray()[0];
    return row ? { tokens: row.tokens, at: row.at } : undefined;
  }

  setBucket(bucket: Bucket): void {
    this.#sql.exec("INSERT OR REPLACE INTO bucket (k, tokens, at) VALUES (0, ?, ?)", bucket.tokens, bucket.at);
  }
}
