/**
 * A session's members and share links in its SQLite storage. The owner is not a row here (it is
 * the session's `owner` metadata); a revoked share link is deleted, so only live or expired links
 * have rows, and expired ones are pruned whenever a new link is made.
 */
import type { GrantableRole, Role } from "../protocol/roles";

/** Most members one session may have (the owner not counted). */
export const MAX_MEMBERS = 100;
/** Most unexpired share links one session may have at once. */
export const MAX_SHARES = 50;

export type Member = {
  user_id: string;
  role: GrantableRole;
  added_by: string;
  added_at: string;
};

export type Share = {
  share_id: string;
  role: Role;
  created_by: string;
  created_at: string;
  /** ms since the epoch. */
  expires_at: number;
};

export class MemberStore {
  #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    sql.exec(
      "CREATE TABLE IF NOT EXISTS members (user_id TEXT PRIMARY KEY, role TEXT NOT NULL, added_by TEXT NOT NULL, added_at TEXT NOT NULL)",
    );
    sql.exec(
      "CREATE TABLE IF NOT EXISTS shares (share_id TEXT PRIMARY KEY, role TEXT NOT NULL, created_by TEXT NOT NULL, created_at TEXT NOT NULL, expires_at INTEGER NOT NULL)",
    );
  }

  role(userId: string): GrantableRole | undefined {
    const rows = this.#sql.exec<{ role: GrantableRole }>("SELECT role FROM members WHERE user_id = ?", userId);
    return rows.toArray()[0]?.role;
  }

  /** Every member, in the order they were first added. */
  list(): Member[] {
    return this.#sql.exec<Member>("SELECT user_id, role, added_by, added_at FROM members ORDER BY rowid").toArray();
  }

  get count(): number {
    return this.#sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM members").one().n;
  }

  /** Adds a member or changes their role (keeping when they were first added). */
  put(member: Member): void {
    this.#sql.exec(
      "INSERT INTO members (user_id, role, added_by, added_at) VALUES (?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET role = excluded.role, added_by = excluded.added_by",
      member.user_id,
      member.role,
      member.added_by,
      member.added_at,
    );
  }

  /** Removes a member; false when there was none. */
  remove(userId: string): boolean {
    const existed = this.role(userId) !== undefined;
    this.#sql.exec("DELETE FROM members WHERE user_id = ?", userId);
    return existed;
  }

  /** The share link if it is live at `now` (not revoked, not expired). */
  share(shareId: string, now: number): Share | undefined {
    const rows = this.#sql.exec<Share>("SELECT * FROM shares WHERE share_id = ? AND expires_at > ?", shareId, now);
    return rows.toArray()[0];
  }

  /** Live share links, newest first. */
  shares(now: number): Share[] {
    return this.#sql.exec<Share>("SELECT * FROM shares WHERE expires_at > ? ORDER BY rowid DESC", now).toArray();
  }

  /** Stores a new share link, pruning expired ones first. */
  addShare(share: Share): void {
    this.#sql.exec("DELETE FROM shares WHERE expires_at <= ?", Date.parse(share.created_at));
    this.#sql.exec(
      "INSERT INTO shares (share_id, role, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
      share.share_id,
      share.role,
      share.created_by,
      share.created_at,
      share.expires_at,
    );
  }

  /** Revokes a share link at once; false when there was none (or it had expired and was pruned). */
  revokeShare(shareId: string): boolean {
    const existed = this.#sql.exec("SELECT 1 FROM shares WHERE share_id = ?", shareId).toArray().length > 0;
    this.#sql.exec("DELETE FROM shares WHERE share_id = ?", shareId);
    return existed;
  }
}
