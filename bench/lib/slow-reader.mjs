/**
 * A deliberately slow SSE reader: it takes `bytesPerSecond` from its response and leaves the
 * rest unread, so the socket fills and the server feels backpressure. `drain()` then reads the
 * rest at full speed and checks every id arrived in order.
 */
import { get } from "node:http";
import { createParser } from "eventsource-parser";
import { AUTHORIZATION } from "./auth.mjs";
import { readerAgent } from "./sse-reader.mjs";

/** How often the slow reader takes its next sip, ms. */
const SIP_MS = 250;

export function slowReader(url, bytesPerSecond) {
  const state = { bytes: 0, events: 0, firstId: undefined, lastId: undefined, inOrder: true, error: undefined };
  const parser = createParser({
    onEvent(message) {
      const id = Number(message.id);
      if (state.lastId !== undefined && id !== state.lastId + 1) state.inOrder = false;
      state.firstId ??= id;
      state.lastId = id;
      state.events++;
    },
  });
  const take = (chunk) => {
    state.bytes += chunk.length;
    parser.feed(chunk.toString("utf8"));
  };
  let response;
  let sipper;
  const opened = new Promise((resolve, reject) => {
    const request = get(url, { agent: readerAgent, headers: { Authorization: AUTHORIZATION } }, (res) => {
      response = res;
      res.pause();
      const sip = Math.max(1, Math.round((bytesPerSecond * SIP_MS) / 1000));
      sipper = setInterval(() => {
        const chunk = res.read(sip) ?? res.read();
        if (chunk) take(chunk);
      }, SIP_MS);
      resolve();
    });
    request.on("error", (error) => {
      state.error = String(error);
      reject(error);
    });
  });
  return {
    state,
    opened,
    /** Reads everything left at full speed; resolves when the stream ends (or after `timeoutMs`). */
    drain(timeoutMs = 120_000) {
      clearInterval(sipper);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          state.error = `drain timed out after ${timeoutMs} ms`;
          response.destroy();
          resolve(state);
        }, timeoutMs);
        response.on("data", take);
        response.on("end", () => {
          clearTimeout(timer);
          resolve(state);
        });
        response.on("error", (error) => {
          state.error = String(error);
        });
        response.resume();
      });
    },
  };
}
