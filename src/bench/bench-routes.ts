/**
 * `/_bench/*`: the benchmark's hooks, mounted only by the bench's own Worker (src/bench/worker.ts).
 * `GET /_bench/pipe` is the pipe-limit baseline; `POST /_bench/sessions` starts a session whose
 * run is fed by the synthetic source and is read through the ordinary `/sessions/:id/events`;
 * `GET /_bench/sessions/:id/rows-written` is the storage rows its object wrote since it started.
 */
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../http/app-env";
import { unwrap } from "../http/errors";
import { requireJson } from "../http/middleware";
import { eventsUrl, SSE_HEADERS } from "../http/session-client";
import { validate } from "../http/validation";
import { benchStub } from "./bench-session-object";
import { pipeStream } from "./pipe";
import { DEFAULT_CONTENT_CHARS } from "./synthetic-events";
import { READERS_TIMEOUT_MS } from "./synthetic-source";

/** Most events one bench request may ask for: bounds every bench run. */
export const MAX_BENCH_EVENTS = 200_000;

const count = (max: number) => z.coerce.number().int().min(0).max(max);

const PipeQuery = z.object({
  events: count(MAX_BENCH_EVENTS).default(10_000),
  content_chars: count(4096).default(DEFAULT_CONTENT_CHARS),
  rate: count(100_000).default(0),
});

const SyntheticBody = z
  .object({
    events: count(MAX_BENCH_EVENTS),
    content_chars: count(4096).default(DEFAULT_CONTENT_CHARS),
    rate: count(100_000).default(0),
    burst: count(MAX_BENCH_EVENTS).min(1).default(1),
    wait_for_readers: count(10_000).default(0),
    hold_ms: count(READERS_TIMEOUT_MS).default(0),
  })
  .strict();

export const benchRoutes = new Hono<AppEnv>()
  .get("/pipe", validate("query", PipeQuery), (c) => {
    const q = c.req.valid("query");
    return new Response(pipeStream({ events: q.events, contentChars: q.content_chars, rate: q.rate }), {
      headers: SSE_HEADERS,
    });
  })
  .post("/sessions", requireJson, validate("json", SyntheticBody), async (c) => {
    const body = c.req.valid("json");
    const sessionId = crypto.randomUUID();
    const started = unwrap(
      await benchStub(c.env, sessionId).benchRun({
        sessionId,
        userId: c.get("userId"),
        events: body.events,
        contentChars: body.content_chars,
        rate: body.rate,
        burst: body.burst,
        waitForReaders: body.wait_for_readers,
        holdMs: body.hold_ms,
      }),
    );
    const url = eventsUrl(sessionId, started.first_event_id);
    return c.json({ session_id: sessionId, run_id: started.run_id, events_url: url }, 201);
  })
  .get("/sessions/:id/rows-written", validate("param", z.object({ id: z.uuid() })), async (c) => {
    const rows = await benchStub(c.env, c.req.valid("param").id).benchRowsWritten();
    return c.json({ rows_written: rows });
  });
