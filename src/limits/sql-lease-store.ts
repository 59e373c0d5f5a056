/** The LimitsStore in the user object's SQLite storage: one row per lease, one for the bucket, one for today's tokens. */

import type { DurableLimitsStore } from "./buffered-lease-store";
import type { DayTokens } from "./daily-tokens";
import type { Bucket } from "./token-bucket";
import type { Lease, LeaseKind } from "./user-limits";

type LeaseRow = { id: string; kind: LeaseKind; expires_at: number; bytes: number };

const fromRow = (row: LeaseRow): Lease => ({ id: row.id, kind: row.kind, expiresAt: row.expires_at, bytes: row.bytes });

export class SqlLeaseStore implements DurableLimitsStore {
  #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    sql.exec(
      "CREATE TABLE IF NOT EXISTS leases (id TEXT PRIMARY KEY, kind TEXT NOT NULL, expires_at INTEGER NOT NULL, bytes INTEGER NOT NULL DEFAULT 0)",
    );
    // A user object created before session leases has the table without `bytes`.
    const columns = sql.exec<{ name: string }>("PRAGMA table_info(leases)").toArray();
    if (!columns.some((column) => column.name === "bytes")) {
      sql.exec("ALTER TABLE leases ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0");
    }
    sql.exec("CREATE TABLE IF NOT EXISTS bucket (k INTEGER PRIMARY KEY, tokens REAL NOT NULL, at INTEGER NOT NULL)");
    sql.exec(
      "CREATE TABLE IF NOT EXISTS day_tokens (k INTEGER PRIMARY KEY, day TEXT NOT NULL, tokens INTEGER NOT NULL)",
    );
  }

  purge(now: number): void {
    this.#sql.exec("DELETE FROM leases WHERE expires_at <= ?", now);
  }

  list(kind: LeaseKind): Lease[] {
    return this.#sql
      .exec<LeaseRow>("SELECT id, kind, expires_at, bytes FROM leases WHERE kind = ?", kind)
      .toArray()
      .map(fromRow);
  }

  all(): Lease[] {
    return this.#sql.exec<LeaseRow>("SELECT id, kind, expires_at, bytes FROM leases").toArray().map(fromRow);
  }

  get(id: string): Lease | undefined {
    const row = this.#sql
      .exec<LeaseRow>("SELECT id, kind, expires_at, bytes FROM leases WHERE id = ?", id)
      .toArray()[0];
    return row ? fromRow(row) : undefined;
  }

  put(lease: Lease): void {
    this.#sql.exec(
      "INSERT OR REPLACE INTO leases (id, kind, expires_at, bytes) VALUES (?, ?, ?, ?)",
      lease.id,
      lease.kind,
      lease.expiresAt,
      lease.bytes ?? 0,
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

  getDayTokens(): DayTokens | undefined {
    const row = this.#sql
      .exec<{ day: string; tokens: number }>("SELECT day, tokens FROM day_tokens WHERE k = 0")
      .toArray()[0];
    return row ? { day: row.day, tokens: row.tokens } : undefined;
  }

  setDayTokens(counted: DayTokens): void {
    this.#sql.exec("INSERT OR REPLACE INTO day_tokens (k, day, tokens) VALUES (0, ?, ?)", counted.day, counted.tokens);
  }
}
