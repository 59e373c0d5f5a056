/**
 * A relay's own lifetime, the fallback behind the session's deletion of its relays' copies
 * (session/relay-copies.ts): if that call is lost (the relay unreachable at the time), a relay with
 * no follower would keep its copy for ever, since nothing else wakes it. So a relay that holds a
 * copy always has an alarm: at it, a relay with no follower asks the session whether it still
 * exists and deletes its copy if not; otherwise it looks again one period later. The session's id
 * is stored, so a new instance (after an eviction or a crash) knows whom to ask.
 */
import { hasTable } from "../session/sql-tables";

/** What the relay's lifetime is handed: its SQLite, its alarm and its clock. */
export interface LifetimeHost {
  sql: SqlStorage;
  setAlarm(at: number): void;
  /** How long a copy may outlive its session when the session's deletion call was lost, ms. */
  checkEveryMs: number;
  now?: () => number;
}

/** What an alarm decided: delete the copy (the session is gone) or keep it and look again later. */
export type AlarmOutcome = "purge" | "kept";

export class RelayLifetime {
  #host: LifetimeHost;
  #sessionId: string | undefined;
  /** Whether this instance has set the alarm (once is enough: each alarm sets the next). */
  #armed = false;

  constructor(host: LifetimeHost) {
    this.#host = host;
    if (hasTable(host.sql, "relay_meta")) {
      const row = host.sql.exec<{ value: string }>("SELECT value FROM relay_meta WHERE key = 'session'").toArray()[0];
      this.#sessionId = row?.value;
    }
  }

  /** The session this relay copies, once a follower named it (stored across instances). */
  get sessionId(): string | undefined {
    return this.#sessionId;
  }

  /** Notes the session this relay copies (its name says it, so it never changes) and arms the alarm. */
  remember(sessionId: string): void {
    if (this.#sessionId !== sessionId) {
      this.#host.sql.exec("CREATE TABLE IF NOT EXISTS relay_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
      this.#host.sql.exec("INSERT OR REPLACE INTO relay_meta (key, value) VALUES ('session', ?)", sessionId);
      this.#sessionId = sessionId;
    }
    if (!this.#armed) this.schedule();
  }

  /** Sets the alarm one period from now. */
  schedule(): void {
    this.#armed = true;
    this.#host.setAlarm((this.#host.now ?? Date.now)() + this.#host.checkEveryMs);
  }

  /**
   * The alarm: with followers, the feed finds a deleted session itself, so it only looks again
   * later; without, it asks `sessionExists` (which throws when the session does not answer: kept).
   */
  async onAlarm(followers: number, sessionExists: (sessionId: string) => Promise<boolean>): Promise<AlarmOutcome> {
    const sessionId = this.#sessionId;
    if (sessionId === undefined) return "purge";
    if (followers === 0) {
      const exists = await sessionExists(sessionId).catch(() => true);
      if (!exists) return "purge";
    }
    this.schedule();
    return "kept";
  }
}
