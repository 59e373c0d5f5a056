/** Runs the browser client against a FakeServer and records everything it reports. */

import {
  type ClientOptions,
  type ConnectedInfo,
  createClient,
  type DisconnectedInfo,
  type EdgeStreamClient,
  type ReconnectingInfo,
  type RunStream,
} from "@edge-stream/client";
import { seededRandom } from "../../src/llm/demo-model";
import type { StreamEvent } from "../../src/protocol/events";
import { encodeEventFrame, encodeRetry } from "../../src/protocol/sse";
import type { FakeServer } from "./fake-server";

export const BASE_URL = "http://edge.test";

/** A client on the fake server with immediate reconnects (no waiting in unit tests). */
export function fakeClient(server: FakeServer, options: Partial<ClientOptions> = {}): EdgeStreamClient {
  return createClient({
    baseUrl: BASE_URL,
    fetch: server.fetch,
    ...options,
    backoff: { initialMs: 0, maxAttempts: 6, ...options.backoff },
  });
}

export interface Recorded {
  events: StreamEvent[];
  connected: ConnectedInfo[];
  reconnecting: ReconnectingInfo[];
  disconnected: DisconnectedInfo[];
}

/** Records what a run reports, from before it starts. */
export function record(run: RunStream): Recorded {
  const out: Recorded = { events: [], connected: [], reconnecting: [], disconnected: [] };
  run.on("event", (event) => out.events.push(event));
  run.on("connected", (info) => out.connected.push(info));
  run.on("reconnecting", (info) => out.reconnecting.push(info));
  run.on("disconnected", (info) => out.disconnected.push(info));
  return out;
}

/** Where the fake server's stream of `events` can be cut: each frame's start, inside its id and data lines, and one byte before its end. */
export function cutPoints(events: StreamEvent[]): { cut: number; lastWhole: number }[] {
  const encoder = new TextEncoder();
  let offset = encoder.encode(encodeRetry(1000)).length;
  const points: { cut: number; lastWhole: number }[] = [{ cut: 0, lastWhole: events[0].id - 1 }];
  let lastWhole = events[0].id - 1;
  for (const event of events) {
    const length = encoder.encode(encodeEventFrame(event.id, JSON.stringify(event))).length;
    for (const inside of [0, 3, Math.floor(length / 2), length - 1]) points.push({ cut: offset + inside, lastWhole });
    offset += length;
    lastWhole = event.id;
  }
  return points;
}

/** Seeded pseudo-random numbers (mulberry32), so every randomized test replays exactly. */
export const seeded = seededRandom;
