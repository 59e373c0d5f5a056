/**
 * `/_bench/*`: the benchmark's hooks, mounted only by the bench's own Worker (src/bench/worker.ts).
 * `GET /_bench/pipe` is the pipe-limit baseline; `POST /_bench/sessions` starts a session whose
 * run is fed by the synthetic source and is read through the ordinary `/sessions/:id/events`.
 * `GET /_bench/meters?session=` reads the cost meter of a session's object and of the caller's
 * limits object (object-meter.ts; counted only on an instance run with BENCH_METER=on);
 * `POST /_bench/agents-rows {chunk_chars, answer_chars}` stores one answer (chunks of those sizes) with the Agents SDK's row pattern
 * in a scratch object and answers what workerd counted (agents-row-pattern.ts).
 * `GET /_bench/sessions/:id/rows-written` is the storage rows its object wrote since it started.
 */
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../http/app-env";
import { unwrap } from "../http/errors";
import { requireJson } from "../http/middleware";
import { eventsUrl, SSE_HEADERS } from "../http/session-client";
import { validate } from "../http/validation";
import { benchLimitsStub } from "./bench-limits-object";
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

const MetersQuery = z.object({ session: z.string().min(1).max(256) });

const AgentsRowsBody = z
  .object({ chunk_chars: z.array(count(65_536)).max(MAX_BENCH_EVENTS), answer_chars: count(4_000_000) })
  .strict();

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
  .get("/meters", validate("query", MetersQuery), async (c) => {
    const { session } = c.req.valid("query");
    const [sessionMeter, limitsMeter] = await Promise.all([
      benchStub(c.env, session).benchMeter(),
      benchLimitsStub(c.env, c.get("userId")).benchMeter(),
    ]);
    return c.json({ session: sessionMeter, limits: limitsMeter });
  })
  .post("/agents-rows", requireJson, validate("json", AgentsRowsBody), async (c) => {
    const { chunk_chars, answer_chars } = c.req.valid("json");
    const stub = benchStub(c.env, `agents-rows-${crypto.randomUUID()}`);
    return c.json(await stub.benchAgentsRows(chunk_chars, answer_chars));
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
