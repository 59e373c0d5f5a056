/**
 * Counts the storage rows an object writes, as the runtime counts them for billing: every SQL
 * statement's `rowsWritten` (table and index rows) and every key a KV-style `put` or `delete`
 * writes (a SQLite-backed object keeps those in a table too). The bench's session object and the
 * Agents SDK peer (bench/agents-peer/) both use it, so their rows are counted the same way,
 * whatever tables each uses and whatever it later deletes. A statement's count is read as `exec`
 * returns (a write runs to completion there), so no cursor is kept.
 */

/** The running count: rows written since the object started. */
export interface RowsWritten {
  total(): number;
}

/** Wraps `storage` (before anything else uses it) so its writes are counted. */
export function countRowsWritten(storage: DurableObjectStorage): RowsWritten {
  let rows = 0;
  const sql = storage.sql;
  const exec = sql.exec.bind(sql);
  sql.exec = <T extends Record<string, SqlStorageValue>>(query: string, ...bindings: unknown[]) => {
    const cursor = exec<T>(query, ...bindings);
    rows += cursor.rowsWritten;
    return cursor;
  };
  const put = storage.put.bind(storage) as (key: unknown, value?: unknown) => Promise<void>;
  storage.put = ((key: unknown, value?: unknown) => {
    rows += typeof key === "string" ? 1 : Object.keys(key as object).length;
    return put(key, value);
  }) as DurableObjectStorage["put"];
  const remove = storage.delete.bind(storage) as (key: string | string[]) => Promise<boolean | number>;
  storage.delete = ((key: string | string[]) => {
    rows += Array.isArray(key) ? key.length : 1;
    return remove(key);
  }) as DurableObjectStorage["delete"];
  return { total: () => rows };
}
