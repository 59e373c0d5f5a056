/**
 * The relays a session has fed (RELAYS=on, docs/scale.md): each relay object keeps its own copy of
 * the session's log, so deleting the session (by its owner or at SESSION_TTL_SECONDS) must delete
 * those copies too. The session records each relay's object id the first time the relay reads its
 * log, and deletes every recorded copy when it is deleted. The ids are the runtime's own object ids:
 * the session needs nothing of how relays are named.
 */
import { logFailure } from "../log";
import { hasTable } from "./sql-tables";

/** Internal URL a relay object deletes its copy of the log on (POST; src/relay/relay-object.ts). */
export const RELAY_PURGE_PATH = "/purge";

/** How long a deletion waits for one relay before it goes on without it, ms (the relay then finds out itself). */
export const RELAY_PURGE_TIMEOUT_MS = 5_000;

/** The relay object ids a session's storage records. */
export class RelayCopies {
  #sql: SqlStorage;
  /** Ids this instance has already recorded (one write per relay per instance, not per feed call). */
  #known = new Set<string>();

  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  /** Notes that relay object `relayId` holds a copy (a feed call of it); idempotent. */
  record(relayId: string): void {
    if (this.#known.has(relayId)) return;
    this.#sql.exec("CREATE TABLE IF NOT EXISTS relay_copies (relay_id TEXT PRIMARY KEY)");
    this.#sql.exec("INSERT OR IGNORE INTO relay_copies (relay_id) VALUES (?)", relayId);
    this.#known.add(relayId);
  }

  /** Every relay object id recorded (none when no relay ever read this session). */
  list(): string[] {
    if (!hasTable(this.#sql, "relay_copies")) return [];
    return this.#sql
      .exec<{ relay_id: string }>("SELECT relay_id FROM relay_copies")
      .toArray()
      .map((row) => row.relay_id);
  }

  /** The session's storage was deleted: nothing is recorded any more. */
  forget(): void {
    this.#known.clear();
  }
}

/** Asks each relay in `relayIds` to delete its copy; resolves once each answered, failed or timed out. */
export async function purgeRelayCopies<T extends Rpc.DurableObjectBranded | undefined>(
  namespace: DurableObjectNamespace<T>,
  relayIds: readonly string[],
): Promise<void> {
  await Promise.all(
    relayIds
      .map(async (relayId) => {
        const stub = namespace.get(namespace.idFromString(relayId));
        const response = await stub.fetch(`https://relay${RELAY_PURGE_PATH}`, {
          method: "POST",
          signal: AbortSignal.timeout(RELAY_PURGE_TIMEOUT_MS),
        });
        await response.body?.cancel();
        if (!response.ok) throw new Error(`relay ${relayId} answered ${response.status} to a purge`);
      })
      .map((purge) => purge.catch(logFailure("relay copy purge failed"))),
  );
}
