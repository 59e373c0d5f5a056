/**
 * What the protocol's read side needs from a stream, whatever holds it: a stream object's
 * SQLite log or a session's event log. Both answer reads in pages and wake waiters on append.
 */

/** One page of a stream from a position, with the stream's state when it was read. */
export interface ReadPage {
  contentType: string;
  /** JSON mode: the page's messages, each compact JSON text. */
  messages?: string[];
  /** Byte mode: the page's bytes. */
  bytes?: Uint8Array;
  /** Position after the page. */
  next: number;
  /** Position after the newest data. */
  tail: number;
  closed: boolean;
  /** Identifies the stream in ETags (stable for the stream's life, never reused by another). */
  etagId: string;
}

export interface StreamSource {
  /** A page from `position` (clamped to the tail), or undefined when the stream is gone. */
  read(position: number): Promise<ReadPage | undefined>;
  /** The stream's tail and state without data (for `offset=now`), or undefined when gone. */
  tail(): Promise<ReadPage | undefined>;
  /** Resolves once data past `position` exists, the stream closes or goes, or after `timeoutMs`. */
  wait(position: number, timeoutMs: number): Promise<void>;
}

/** True when a page carries data. */
export function hasData(page: ReadPage): boolean {
  return (page.messages?.length ?? 0) > 0 || (page.bytes?.byteLength ?? 0) > 0;
}
