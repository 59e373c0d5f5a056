/**
 * Presence: who is watching a session now, from its open SSE streams and sockets. Computed from
 * the connections themselves (a socket's attachment survives hibernation), never logged.
 */
import type { Watcher, WatchTransport } from "../protocol/ws";

/** One open connection: whose (a user id or `share:<id>`) and over which transport. */
export interface Watching {
  id: string;
  transport: WatchTransport;
}

/** The watchers of a session: one entry per principal and transport, sorted, with its stream count. */
export function presenceOf(open: Iterable<Watching>): Watcher[] {
  const byKey = new Map<string, Watcher>();
  for (const { id, transport } of open) {
    const key = `${transport}\u0000${id}`;
    const known = byKey.get(key);
    if (known) known.streams++;
    else byKey.set(key, { id, transport, streams: 1 });
  }
  return [...byKey.values()].sort((a, b) =>
    a.id === b.id ? a.transport.localeCompare(b.transport) : a.id < b.id ? -1 : 1,
  );
}

/** Whether two presence lists say the same (a change worth telling the sockets about). */
export function samePresence(a: readonly Watcher[], b: readonly Watcher[]): boolean {
  return (
    a.length === b.length &&
    a.every((w, i) => w.id === b[i].id && w.transport === b[i].transport && w.streams === b[i].streams)
  );
}
