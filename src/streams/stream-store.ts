/**
 * One Durable Stream in its object's SQLite storage: the stream's settings and state (one row),
 * its data (one row per append in byte mode, one per message in JSON mode, keyed by the position
 * after it) and its idempotent producers. Every method is synchronous SQL, so a handler that
 * calls several commits them together (the object's implicit transaction).
 */
import type { ProducerState } from "../protocol/durable-streams/producer";

/** A stream's settings and state. */
export interface StreamMeta {
  owner: string;
  path: string;
  contentType: string;
  json: boolean;
  ttlSeconds?: number;
  expiresAt?: string;
  closed: boolean;
  /** Position after the newest data. */
  tail: number;
  /** Bytes stored (MAX_STREAM_BYTES counts these). */
  bytes: number;
  /** The newest `Stream-Seq` accepted, if any. */
  lastSeq?: string;
  /** The producer append that closed the stream: `id epoch seq`. */
  closedBy?: string;
  /** Last read or write, ms (the sliding TTL counts from it). */
  touchedAt: number;
  etagId: string;
  /** A fork's source (its URL path), divergence offset header and sub-offset, as created. */
  fork?: { source: string; offsetHeader?: string; subOffset: number };
  /** Forks created from this stream and not yet deleted. */
  forks: number;
  /** Deleted while forks existed: gone for clients (410), kept until the last fork goes. */
  softDeleted: boolean;
}

/** Most bytes one read page carries (a bigger single append is still returned whole). */
export const PAGE_BYTES = 1024 * 1024;
/** Most rows one read page visits. */
const PAGE_ROWS = 1000;

interface MetaRow extends Record<string, SqlStorageValue> {
  owner: string;
  path: string;
  content_type: string;
  json: number;
  ttl_seconds: number | null;
  expires_at: string | null;
  closed: number;
  tail: number;
  bytes: number;
  last_seq: string | null;
  closed_by: string | null;
  touched_at: number;
  etag_id: string;
  fork: string | null;
  forks: number;
  soft_deleted: number;
}

export class StreamStore {
  #sql: SqlStorage;
  #meta: StreamMeta | undefined;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    sql.exec(`CREATE TABLE IF NOT EXISTS ds_meta (k INTEGER PRIMARY KEY CHECK (k = 1), owner TEXT NOT NULL,
      path TEXT NOT NULL, content_type TEXT NOT NULL, json INTEGER NOT NULL, ttl_seconds INTEGER, expires_at TEXT,
      closed INTEGER NOT NULL, tail INTEGER NOT NULL, bytes INTEGER NOT NULL, last_seq TEXT, closed_by TEXT,
      touched_at INTEGER NOT NULL, etag_id TEXT NOT NULL, fork TEXT, forks INTEGER NOT NULL,
      soft_deleted INTEGER NOT NULL)`);
    sql.exec("CREATE TABLE IF NOT EXISTS ds_data (end_pos INTEGER PRIMARY KEY, start_pos INTEGER NOT NULL, data)");
    sql.exec(
      "CREATE TABLE IF NOT EXISTS ds_producers (id TEXT PRIMARY KEY, epoch INTEGER NOT NULL, last_seq INTEGER NOT NULL)",
    );
    const row = sql.exec<MetaRow>("SELECT * FROM ds_meta").toArray()[0];
    this.#meta = row === undefined ? undefined : fromRow(row);
  }

  /** The stream, or undefined when none exists here. */
  get meta(): StreamMeta | undefined {
    return this.#meta;
  }

  /** The stream, for code that just created or checked it. */
  get current(): StreamMeta {
    if (!this.#meta) throw new Error("no stream here");
    return this.#meta;
  }

  create(meta: StreamMeta): void {
    this.#meta = { ...meta };
    this.#saveMeta();
  }

  /** Changes the stream's state (closed, tail, seq, touch) and stores it. */
  update(change: Partial<StreamMeta>): void {
    if (!this.#meta) throw new Error("no stream to update");
    this.#meta = { ...this.#meta, ...change };
    this.#saveMeta();
  }

  /** Appends byte chunks or JSON messages after the tail; returns the new tail. */
  append(items: readonly (Uint8Array | string)[]): number {
    const meta = this.#meta;
    if (!meta) throw new Error("no stream to append to");
    let tail = meta.tail;
    let bytes = meta.bytes;
    for (const item of items) {
      const size = typeof item === "string" ? new TextEncoder().encode(item).byteLength : item.byteLength;
      const end = meta.json ? tail + 1 : tail + size;
      this.#sql.exec("INSERT INTO ds_data (end_pos, start_pos, data) VALUES (?, ?, ?)", end, tail, item);
      tail = end;
      bytes += size;
    }
    this.update({ tail, bytes });
    return tail;
  }

  /** Length of the append that starts exactly at `position` (byte mode), or undefined. */
  chunkLengthAt(position: number): number | undefined {
    const row = this.#sql
      .exec<{ size: number }>("SELECT end_pos - start_pos AS size FROM ds_data WHERE start_pos = ? LIMIT 1", position)
      .toArray()[0];
    return row?.size;
  }

  /** Up to PAGE_BYTES of data from `position` and before `until` (inside a chunk: from that byte on). */
  readPage(position: number, until = Number.MAX_SAFE_INTEGER): { items: (Uint8Array | string)[]; next: number } {
    const rows = this.#sql
      .exec<{ start_pos: number; end_pos: number; data: ArrayBuffer | string }>(
        "SELECT start_pos, end_pos, data FROM ds_data WHERE end_pos > ? ORDER BY end_pos LIMIT ?",
        position,
        PAGE_ROWS,
      )
      .toArray();
    const items: (Uint8Array | string)[] = [];
    let next = position;
    let size = 0;
    for (const row of rows) {
      if (row.start_pos >= until) break;
      let item: Uint8Array | string = typeof row.data === "string" ? row.data : new Uint8Array(row.data);
      if (item instanceof Uint8Array) {
        item = item.subarray(Math.max(0, position - row.start_pos), Math.min(until, row.end_pos) - row.start_pos);
      }
      const itemSize = typeof item === "string" ? item.length : item.byteLength;
      if (items.length > 0 && size + itemSize > PAGE_BYTES) break;
      items.push(item);
      size += itemSize;
      next = Math.min(until, row.end_pos);
    }
    return { items, next };
  }

  producer(id: string): ProducerState | undefined {
    const row = this.#sql
      .exec<{ epoch: number; last_seq: number }>("SELECT epoch, last_seq FROM ds_producers WHERE id = ?", id)
      .toArray()[0];
    return row === undefined ? undefined : { epoch: row.epoch, lastSeq: row.last_seq };
  }

  saveProducer(id: string, state: ProducerState): void {
    this.#sql.exec(
      "INSERT INTO ds_producers (id, epoch, last_seq) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET epoch = excluded.epoch, last_seq = excluded.last_seq",
      id,
      state.epoch,
      state.lastSeq,
    );
  }

  /** Removes the stream and everything it stored. */
  wipe(): void {
    this.#sql.exec("DELETE FROM ds_data");
    this.#sql.exec("DELETE FROM ds_producers");
    this.#sql.exec("DELETE FROM ds_meta");
    this.#meta = undefined;
  }

  #saveMeta(): void {
    const m = this.#meta;
    if (!m) return;
    this.#sql.exec(
      `INSERT OR REPLACE INTO ds_meta (k, owner, path, content_type, json, ttl_seconds, expires_at, closed, tail, bytes,
        last_seq, closed_by, touched_at, etag_id, fork, forks, soft_deleted)
        VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      m.owner,
      m.path,
      m.contentType,
      m.json ? 1 : 0,
      m.ttlSeconds ?? null,
      m.expiresAt ?? null,
      m.closed ? 1 : 0,
      m.tail,
      m.bytes,
      m.lastSeq ?? null,
      m.closedBy ?? null,
      m.touchedAt,
      m.etagId,
      m.fork ? JSON.stringify(m.fork) : null,
      m.forks,
      m.softDeleted ? 1 : 0,
    );
  }
}

function fromRow(row: MetaRow): StreamMeta {
  return {
    owner: row.owner,
    path: row.path,
    contentType: row.content_type,
    json: row.json === 1,
    ttlSeconds: row.ttl_seconds ?? undefined,
    expiresAt: row.expires_at ?? undefined,
    closed: row.closed === 1,
    tail: row.tail,
    bytes: row.bytes,
    lastSeq: row.last_seq ?? undefined,
    closedBy: row.closed_by ?? undefined,
    touchedAt: row.touched_at,
    etagId: row.etag_id,
    fork: row.fork === null ? undefined : (JSON.parse(row.fork) as StreamMeta["fork"]),
    forks: row.forks,
    softDeleted: row.soft_deleted === 1,
  };
}
