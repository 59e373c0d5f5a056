/**
 * Coalesced presence pushes. Every stream or socket that opens or closes may change who is
 * watching, and each push goes to every socket: one push per change would make n joins cost n²
 * messages (and n presence computations over n connections). Instead a session pushes at most once
 * per PRESENCE_PUSH_MS, and the last push of a burst always carries the state as it stands then,
 * so no change is lost, only merged with its neighbours. docs/sharing.md, Presence.
 */
import type { Watcher } from "../protocol/ws";
import { samePresence } from "./presence";

/**
 * Shortest time between two presence pushes to a session's sockets, ms. A quiet session's first
 * change goes out at once; changes within this time of a push are merged into one push at its end.
 * 250 ms is below what a person notices in a "who is watching" list, and caps a burst of 2,000
 * joins at a few pushes a second instead of 2,000 each.
 */
export const PRESENCE_PUSH_MS = 250;

export interface PresenceNotifierDeps {
  /** Who is watching now; computed only when a push may go out. */
  current(): Watcher[];
  /** Sends `watching` to every open socket. */
  push(watching: Watcher[]): void;
  now(): number;
  /** Defaults to PRESENCE_PUSH_MS. */
  windowMs?: number;
}

/** Decides when a session tells its sockets who is watching. */
export class PresenceNotifier {
  #deps: PresenceNotifierDeps;
  #windowMs: number;
  /** Presence as the sockets were last told it. */
  #told: Watcher[] = [];
  #pushedAt = Number.NEGATIVE_INFINITY;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** A socket joined since the last push: it is told even if the list came out the same. */
  #joined = false;

  constructor(deps: PresenceNotifierDeps) {
    this.#deps = deps;
    this.#windowMs = deps.windowMs ?? PRESENCE_PUSH_MS;
  }

  /** Something opened or closed (`joined`: a socket that has not been told yet). */
  changed(joined = false): void {
    this.#joined ||= joined;
    // A push is already due: it reads the state when it goes out.
    if (this.#timer !== undefined) return;
    const wait = this.#pushedAt + this.#windowMs - this.#deps.now();
    if (wait <= 0) {
      this.#pushNow();
      return;
    }
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#pushNow();
    }, wait);
  }

  #pushNow(): void {
    const watching = this.#deps.current();
    if (!this.#joined && samePresence(watching, this.#told)) return;
    this.#joined = false;
    this.#told = watching;
    this.#pushedAt = this.#deps.now();
    this.#deps.push(watching);
  }
}
