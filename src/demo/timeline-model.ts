/**
 * A run's timeline, computed from its events: one bar per agent over time (queued, streaming,
 * retrying; then done, failed, stopped or never run), the time to first token, each pause for a
 * review and its answer, and this client's lost connections. Times are ms since `run_start`, on the server's clock (the events' timestamps);
 * the client's own reconnect times are moved onto it by the clock offset. Pure: no DOM, no clock.
 */
import { EVENT_TYPES, type StreamEvent, SUPERVISOR } from "../protocol/events";

export type SegmentState = "queued" | "streaming" | "retrying";
/** `waiting`/`running` while the run goes on; the rest once the agent (or the run) has ended. */
export type BarOutcome = "waiting" | "running" | "done" | "failed" | "stopped" | "not_run";
/** `paused`: an `awaiting_input` (the run waits for a review); `answered`: its `input`. */
export type MarkKind = "first_token" | "drop" | "resume" | "paused" | "answered";

export interface Segment {
  state: SegmentState;
  fromMs: number;
  toMs: number;
}
export interface Bar {
  agent: string;
  segments: Segment[];
  outcome: BarOutcome;
}
export interface Mark {
  kind: MarkKind;
  atMs: number;
}
/** A time this client had no connection: from the loss to the resume (or to now, still offline). */
export interface OfflineSpan {
  fromMs: number;
  toMs: number;
  resumed: boolean;
}
export interface TimelineModel {
  durationMs: number;
  bars: Bar[];
  marks: Mark[];
  offline: OfflineSpan[];
  ended: boolean;
  /** Every event id from the first to the last arrived, none missing (the client's promise, checked). */
  gapless: boolean;
}

/** A connection this client lost, on its own clock (epoch ms); `resumedAt` once it is back. */
export interface ClientReconnect {
  lostAt: number;
  resumedAt?: number;
}

export interface TimelineInput {
  /** The run's events in order, from its `run_start`. */
  events: readonly StreamEvent[];
  reconnects: readonly ClientReconnect[];
  /** Client clock minus server clock, ms (estimateClockOffset). */
  clockOffsetMs: number;
  /** Client clock now (epoch ms): where the bars of a run still going end. */
  nowMs: number;
}

/**
 * Client clock minus server clock, from when events arrived: the smallest difference seen, i.e.
 * the event that arrived fastest (the skew plus the least latency). Events replayed after a
 * reconnect arrive late and so never decide it. 0 without samples.
 */
export function estimateClockOffset(samples: readonly { serverMs: number; clientMs: number }[]): number {
  return samples.length ? Math.min(...samples.map((s) => s.clientMs - s.serverMs)) : 0;
}

interface Track {
  bar: Bar;
  open?: { state: SegmentState; fromMs: number };
}

function close(track: Track, atMs: number): void {
  const open = track.open;
  if (open && atMs > open.fromMs) track.bar.segments.push({ state: open.state, fromMs: open.fromMs, toMs: atMs });
  track.open = undefined;
}

function switchTo(track: Track, state: SegmentState, atMs: number): void {
  if (track.open?.state === state) return;
  close(track, atMs);
  track.open = { state, fromMs: atMs };
}

/** The timeline of a run (empty before its `run_start`). */
export function buildTimeline(input: TimelineInput): TimelineModel {
  const start = input.events[0];
  const empty = { durationMs: 0, bars: [], marks: [], offline: [], ended: false, gapless: true };
  if (start?.event_type !== EVENT_TYPES.RUN_START) return empty;
  const t0 = Date.parse(start.timestamp);
  const at = (event: StreamEvent) => Math.max(0, Date.parse(event.timestamp) - t0);
  const tracks = new Map<string, Track>();
  for (const planned of start.payload.agents) {
    tracks.set(planned.name, {
      bar: { agent: planned.name, segments: [], outcome: "waiting" },
      open: { state: "queued", fromMs: 0 },
    });
  }
  const track = (agent: string): Track => {
    let found = tracks.get(agent);
    if (!found) {
      found = { bar: { agent, segments: [], outcome: "waiting" } };
      tracks.set(agent, found);
    }
    return found;
  };
  const marks: Mark[] = [];
  let endMs: number | undefined;
  for (const event of input.events.slice(1)) {
    const t = at(event);
    if (event.event_type === EVENT_TYPES.RUN_COMPLETE) {
      endMs = t;
      for (const { bar, open } of tracks.values()) {
        if (open) bar.outcome = open.state === "queued" ? "not_run" : "stopped";
      }
      for (const each of tracks.values()) close(each, t);
      break;
    }
    if (event.event_type === EVENT_TYPES.AWAITING_INPUT || event.event_type === EVENT_TYPES.INPUT) {
      marks.push({ kind: event.event_type === EVENT_TYPES.INPUT ? "answered" : "paused", atMs: t });
      continue;
    }
    if (event.agent_source === SUPERVISOR) continue;
    const current = track(event.agent_source);
    switch (event.event_type) {
      case EVENT_TYPES.AGENT_START:
        switchTo(current, "streaming", t);
        current.bar.outcome = "running";
        break;
      case EVENT_TYPES.LLM_CHUNK:
        switchTo(current, "streaming", t);
        current.bar.outcome = "running";
        if (event.payload.content && !marks.some((m) => m.kind === "first_token"))
          marks.push({ kind: "first_token", atMs: t });
        break;
      case EVENT_TYPES.AGENT_COMPLETE:
        close(current, t);
        current.bar.outcome = "done";
        break;
      case EVENT_TYPES.ERROR:
        if (event.payload.will_retry) {
          switchTo(current, "retrying", t);
        } else {
          close(current, t);
          current.bar.outcome = "failed";
        }
        break;
    }
  }
  const last = input.events[input.events.length - 1];
  const nowMs = input.nowMs - input.clockOffsetMs - t0;
  const durationMs = endMs ?? Math.max(at(last), nowMs);
  for (const each of tracks.values()) close(each, durationMs);
  const serverTime = (clientMs: number) => Math.min(durationMs, Math.max(0, clientMs - input.clockOffsetMs - t0));
  const offline: OfflineSpan[] = [];
  for (const lost of input.reconnects) {
    const fromMs = serverTime(lost.lostAt);
    const toMs = lost.resumedAt === undefined ? durationMs : serverTime(lost.resumedAt);
    offline.push({ fromMs, toMs, resumed: lost.resumedAt !== undefined });
    marks.push({ kind: "drop", atMs: fromMs });
    if (lost.resumedAt !== undefined) marks.push({ kind: "resume", atMs: toMs });
  }
  const gapless = input.events.every((event, i) => i === 0 || event.id === input.events[i - 1].id + 1);
  return {
    durationMs,
    bars: [...tracks.values()].map((t) => t.bar),
    marks: marks.sort((a, b) => a.atMs - b.atMs),
    offline,
    ended: endMs !== undefined,
    gapless,
  };
}
