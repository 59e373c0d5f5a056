/**
 * Starting a run for a route: the user's run admission (rate, the session lease when the start may
 * create its session, the run lease), then `startRun` in the session's object. Shared by the chat
 * routes (/novachat, /loomichat) and the AI SDK routes (/ai), so both admit runs the same way and
 * give back every lease they took when anything fails.
 */
import type { Context } from "hono";
import { loadConfig } from "../env";
import type { Mode } from "../protocol/events";
import type { AppEnv } from "./app-env";
import { ApiError } from "./errors";
import { admitRun, releaseLease } from "./limits";
import { auditRefusedStart } from "./session-caps";
import { sessionStub } from "./session-client";

/** What run to start, and where. */
export interface RunRequest {
  mode: Mode;
  sessionId: string;
  message: string;
  options: Record<string, unknown>;
  /**
   * Create the session if it does not exist yet (otherwise it must exist and be the user's). Such a
   * start takes the session's lease (MAX_SESSIONS_PER_USER); if the session already lives, its
   * lease is only renewed, so a chat's later turns do not count it twice.
   */
  create: boolean;
}

/**
 * Admits and starts the run; on any failure gives back every lease it took (the stream lease too).
 * The session lease goes back too unless the session object refused the start: a session that does
 * not exist yet is never refused when the start may create it (session/run-start.ts `refuseStart`),
 * so a refusal means the session lives and its lease is its own.
 */
export async function startRun(c: Context<AppEnv>, request: RunRequest, streamLease?: string) {
  const config = loadConfig(c.env);
  const { sessionId, create } = request;
  const runId = crypto.randomUUID();
  try {
    await admitRun(c, config, runId, create ? undefined : sessionId, create ? sessionId : undefined);
  } catch (error) {
    if (streamLease) releaseLease(c, streamLease);
    throw error;
  }
  const stub = sessionStub(c.env, sessionId);
  let started: Awaited<ReturnType<typeof stub.startRun>> | undefined;
  try {
    started = await stub.startRun({
      sessionId,
      userId: c.get("userId"),
      mode: request.mode,
      message: request.message,
      options: request.options,
      create,
      runId,
    });
  } finally {
    if (!started?.ok) {
      releaseLease(c, runId);
      if (streamLease) releaseLease(c, streamLease);
      if (create && started === undefined) releaseLease(c, sessionId);
    }
  }
  if (!started.ok) {
    auditRefusedStart(c, started, sessionId);
    throw new ApiError(started.code, started.message);
  }
  return { stub, runId, firstEventId: started.first_event_id };
}
