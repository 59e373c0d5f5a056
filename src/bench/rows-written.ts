/**
 * Counts what an object's storage does, as the runtime counts it for billing: every SQL
 * statement, its `rowsRead` and `rowsWritten` (table and index rows), and every key a KV-style
 * `put` or `delete` writes (a SQLite-backed object keeps those in a table too). The one wrapper of
 * an object's storage in the bench: the cost meter (object-meter.ts), the session object's rows
 * counter and the Agents SDK peer (bench/agents-peer/) all read it, so every object's rows are
 * counted the same way, once, whatever tables it uses and whatever it later deletes.
 */

/** Running totals of one storage, or of one object across its constructions (the meter's). */
export interface StorageCounts {
  statements: number;
  rowsRead: number;
  rowsWritten: number;
}

/** Zeroed counts. */
export function newCounts(): StorageCounts {
  return { statements: 0, rowsRead: 0, rowsWritten: 0 };
}

/**
 * Wraps `storage` (before anything else uses it) so that its statements and writes are added to
 * every one of `tallies`. A cursor's counters are read once the code that ran the statement has
 * finished its turn (a microtask later): every statement here is consumed synchronously (`one()`,
 * `toArray()`, a loop), so the counts are final by then.
 */
export function countStorage(storage: DurableObjectStorage, tallies: readonly StorageCounts[]): void {
  const add = (key: keyof StorageCounts, n: number) => {
    for (const tally of tallies) tally[key] += n;
  };
  const sql = storage.sql;
  const exec = sql.exec.bind(sql);
  sql.exec = <T extends Record<string, SqlStorageValue>>(query: string, ...bindings: unknown[]) => {
    const cursor = exec<T>(query, ...bindings);
    add("statements", 1);
    queueMicrotask(() => {
      add("rowsRead", cursor.rowsRead);
      add("rowsWritten", cursor.rowsWritten);
    });
    return cursor;
  };
  const put = storage.put.bind(storage) as (key: unknown, value?: unknown) => Promise<void>;
  storage.put = ((key: unknown, value?: unknown) => {
    add("rowsWritten", typeof key === "string" ? 1 : Object.keys(key as object).length);
    return put(key, value);
  }) as DurableObjectStorage["put"];
  const remove = storage.delete.bind(storage) as (key: string | string[]) => Promise<boolean | number>;
  storage.delete = ((key: string | string[]) => {
    add("rowsWritten", Array.isArray(key) ? key.length : 1);
    return remove(key);
  }) as DurableObjectStorage["delete"];
}

/** The running count of rows written since the object started. */
export interface RowsWritten {
  total(): number;
}

/** Wraps `storage` (before anything else uses it) and counts the rows it writes from now on. */
export function countRowsWritten(storage: DurableObjectStorage): RowsWritten {
  const counts = newCounts();
  countStorage(storage, [counts]);
  return { total: () => counts.rowsWritten };
}
