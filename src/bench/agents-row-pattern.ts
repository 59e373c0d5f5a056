/**
 * The Cloudflare Agents SDK's storage pattern for one streamed answer, replayed on this object's
 * SQLite so workerd counts its rows as it counts ours (docs/cost.md). Transcribed from the
 * `agents` package's `ResumableStream` (packages/agents, chat/resumable-stream.ts): its two tables
 * and index, a metadata row at the start, the chunk bodies packed ten to a row (`CHUNK_BUFFER_SIZE`),
 * the metadata row updated at the end; and the `AIChatAgent` turn's two messages (the user's and
 * the answer) upserted into its message table. Not their code: the same statements, on our runtime.
 */

/** Chunks packed into one row by `ResumableStream` (`CHUNK_BUFFER_SIZE` in their source). */
export const AGENTS_CHUNKS_PER_ROW = 10;

/** What the pattern cost: statements, rows as workerd counts them, bytes the database grew. */
export interface RowPatternCost {
  chunks: number;
  statements: number;
  rowsRead: number;
  rowsWritten: number;
  databaseBytesAdded: number;
}

const SCHEMA = [
  `create table if not exists cf_ai_chat_agent_messages (
    id text primary key, message text not null, created_at datetime default current_timestamp)`,
  `create table if not exists cf_ai_chat_stream_chunks (
    id text primary key, stream_id text not null, body text not null,
    chunk_index integer not null, created_at integer not null)`,
  `create table if not exists cf_ai_chat_stream_metadata (
    id text primary key, request_id text not null, status text not null,
    created_at integer not null, completed_at integer)`,
  `create index if not exists idx_stream_chunks_stream_id on cf_ai_chat_stream_chunks(stream_id, chunk_index)`,
];

/** Stores one answer of `bodies` (one serialized chunk each) the way an `AIChatAgent` turn does. */
export function agentsRowPattern(sql: SqlStorage, bodies: readonly string[], answer: string): RowPatternCost {
  for (const statement of SCHEMA) sql.exec(statement);
  const before = sql.databaseSize;
  const cost = { chunks: bodies.length, statements: 0, rowsRead: 0, rowsWritten: 0 };
  const run = (query: string, ...bindings: (string | number | null)[]) => {
    const cursor = sql.exec(query, ...bindings);
    cursor.toArray();
    cost.statements++;
    cost.rowsRead += cursor.rowsRead;
    cost.rowsWritten += cursor.rowsWritten;
  };
  const streamId = crypto.randomUUID();
  const upsert = `insert into cf_ai_chat_agent_messages (id, message) values (?, ?)
    on conflict(id) do update set message = excluded.message`;
  run(upsert, crypto.randomUUID(), JSON.stringify({ role: "user", parts: [{ type: "text", text: "?" }] }));
  run(
    `insert into cf_ai_chat_stream_metadata (id, request_id, status, created_at) values (?, ?, 'streaming', ?)`,
    streamId,
    crypto.randomUUID(),
    Date.now(),
  );
  for (let at = 0, index = 0; at < bodies.length; at += AGENTS_CHUNKS_PER_ROW, index++) {
    const segment = bodies.slice(at, at + AGENTS_CHUNKS_PER_ROW);
    const body = segment.length === 1 ? segment[0] : JSON.stringify(segment);
    run(
      `insert into cf_ai_chat_stream_chunks (id, stream_id, body, chunk_index, created_at) values (?, ?, ?, ?, ?)`,
      crypto.randomUUID(),
      streamId,
      body,
      index,
      Date.now(),
    );
  }
  run(
    `update cf_ai_chat_stream_metadata set status = 'completed', completed_at = ? where id = ?`,
    Date.now(),
    streamId,
  );
  run(upsert, crypto.randomUUID(), JSON.stringify({ role: "assistant", parts: [{ type: "text", text: answer }] }));
  return { ...cost, databaseBytesAdded: sql.databaseSize - before };
}
