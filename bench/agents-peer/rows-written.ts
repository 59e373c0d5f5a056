/**
 * Counts the storage rows an object writes, as the runtime counts them for billing: every SQL
 * statement's `rowsWritten` (table and index rows) and every key a KV-style `put` or `delete`
 * writes (a SQLite-backed object keeps those in a table too). The bench reads it to compare the
 * Agents SDK's writes with ours, whatever tables the SDK uses and whatever it later deletes.
 */

/** The running count: rows written since the object started. */
export interface RowsWritten {
  total(): number;
}

/** Wraps `storage` (before anything else uses it) so its writes are counted. */
export function countRowsWritten(storage: DurableObjectStorage): RowsWritten {
  const cursors: SqlStorageCursor<Record<string, SqlStorageValue>>[] = [];
  let keys = 0;
  const sql = storage.sql;
  const exec = sql.exec.bind(sql);
  sql.exec = <T extends Record<string, SqlStorageValue>>(query: string, ...bindings: unknown[]) => {
    const cursor = exec<T>(query, ...bindings);
    cursors.push(cursor);
    return cursor;
  };
  const put = storage.put.bind(storage) as (key: unknown, value?: unknown) => Promise<void>;
  storage.put = ((key: unknown, value?: unknown) => {
    keys += typeof key === "string" ? 1 : Object.keys(key as object).length;
    return put(key, value);
  }) as DurableObjectStorage["put"];
  const remove = storage.delete.bind(storage) as (key: string | string[]) => Promise<boolean | number>;
  storage.delete = ((key: string | string[]) => {
    keys += Array.isArray(key) ? key.length : 1;
    return remove(key);
  }) as DurableObjectStorage["delete"];
  return { total: () => keys + cursors.reduce((sum, cursor) => sum + cursor.rowsWritten, 0) };
}
