/**
 * The client's reading of presence messages (src/protocol/ws.ts) and of a revoked socket: what an
 * app's `presence` handler gets.
 */
import { describe, expect, it } from "vitest";
import { parseSocketMessage } from "../../packages/client/src/wire";

describe("client: presence messages", () => {
  it("hands on the watchers of a presence message, dropping malformed entries", () => {
    const message = JSON.stringify({
      type: "presence",
      watching: [
        { id: "ann", transport: "ws", streams: 1 },
        { id: "share:1", transport: "sse", streams: 2 },
        { id: 7, transport: "ws", streams: 1 },
        { id: "bob", transport: "carrier-pigeon", streams: 1 },
      ],
    });
    expect(parseSocketMessage(message)).toEqual({
      kind: "control",
      type: "presence",
      watching: [
        { id: "ann", transport: "ws", streams: 1 },
        { id: "share:1", transport: "sse", streams: 2 },
      ],
    });
  });

  it("reads other control messages as before", () => {
    expect(parseSocketMessage('{"type":"cancelling","run_id":"r"}')).toEqual({ kind: "control", type: "cancelling" });
    expect(parseSocketMessage('{"type":"presence"}')).toEqual({ kind: "control", type: "presence" });
  });
});
