/**
 * One SSE reader on loopback: a plain `http.get` (no per-origin socket limit), the stream parsed
 * with eventsource-parser, every event's id checked against the expected range and, when asked,
 * its delivery latency (receipt time minus the event's own `timestamp`) recorded.
 */

import { Agent, request as httpRequest } from "node:http";
import { createParser } from "eventsource-parser";
import { AUTHORIZATION } from "./auth.mjs";

/** Sockets for the bench's readers: no pooling limit, no keep-alive (each reader is its own connection). */
export const readerAgent = new Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });

/** Wall-clock time with sub-millisecond resolution, comparable with the Worker's `Date.now()`. */
export const wallNow = () => performance.timeOrigin + performance.now();

/**
 * Reads `url` to its end, or `maxEvents`, or `timeoutMs`. `expect` = { first, last } ids to
 * check; `latency` = record (receipt - timestamp) of `llm_chunk` events; `collect` = keep every
 * parsed event; `onOpen` gets the response at its headers; `method`/`body` for a POST. Resolves
 * to the reader's result; never rejects.
 */
export function readSse(url, options = {}) {
  const { expect, latency = false, collect = false, maxEvents = Number.POSITIVE_INFINITY } = options;
  const { timeoutMs = 120_000, onOpen, method = "GET", body } = options;
  const result = {
    status: 0,
    events: 0,
    bytes: 0,
    firstId: undefined,
    lastId: undefined,
    inOrder: true,
    terminal: false,
    latencies: latency ? [] : undefined,
    collected: collect ? [] : undefined,
    startedAt: wallNow(),
    openedAt: undefined,
    firstEventAt: undefined,
    firstChunkStamp: undefined,
    headers: undefined,
    endedAt: undefined,
    error: undefined,
  };
  return new Promise((resolve) => {
    let settled = false;
    const done = (error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      result.endedAt = wallNow();
      result.error = error;
      result.complete = isComplete(result, expect);
      resolve(result);
    };
    const parser = createParser({
      onEvent(message) {
        if (settled) return; // the rest of a chunk that arrived after maxEvents
        const now = wallNow();
        const id = Number(message.id);
        if (result.lastId !== undefined && id !== result.lastId + 1) result.inOrder = false;
        if (result.firstId === undefined) {
          result.firstId = id;
          result.firstEventAt = now;
        }
        result.lastId = id;
        result.events++;
        if (message.data.includes('"event_type":"run_complete"')) result.terminal = true;
        if (latency || collect || result.firstChunkStamp === undefined) {
          const event = JSON.parse(message.data);
          if (event.event_type === "llm_chunk") {
            result.firstChunkStamp ??= Date.parse(event.timestamp);
            if (latency) result.latencies.push(now - Date.parse(event.timestamp));
          }
          if (collect) result.collected.push(event);
        }
        if (result.events >= maxEvents) {
          request.destroy();
          done();
        }
      },
    });
    const headers = {
      Authorization: AUTHORIZATION,
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
    };
    const request = httpRequest(url, { method, agent: readerAgent, headers }, (response) => {
      result.status = response.statusCode;
      result.openedAt = wallNow();
      result.headers = response.headers;
      onOpen?.(response);
      response.setEncoding("utf8");
      response.on("data", (text) => {
        result.bytes += Buffer.byteLength(text);
        parser.feed(text);
      });
      response.on("end", () => done());
      response.on("error", (error) => done(String(error)));
    });
    request.on("error", (error) => done(String(error)));
    request.end(body === undefined ? undefined : JSON.stringify(body));
    const timer = setTimeout(() => {
      request.destroy();
      done(`timed out after ${timeoutMs} ms`);
    }, timeoutMs);
  });
}

/** True when the reader saw exactly the ids `expect.first..expect.last`, in order, without error. */
function isComplete(result, expect) {
  if (result.error || result.status !== 200 || !result.inOrder) return false;
  if (!expect) return true;
  return result.firstId === expect.first && result.lastId === expect.last;
}
