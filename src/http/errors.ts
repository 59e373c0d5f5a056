/**
 * Maps every failure to the one JSON error shape. Handlers throw ApiError; anything else that
 * escapes a handler is a server fault, logged and answered with a generic 500.
 */

import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { AUDIT_EVENTS, audit } from "../audit";
import { logError } from "../log";
import { ERRORS, type ErrorCode, errorBody, type Failure } from "../protocol/errors";
import type { AppEnv } from "./app-env";

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** Throws the failure as an ApiError, or returns the success value. */
export function unwrap<R extends { ok: true } | Failure>(result: R): Exclude<R, Failure> {
  if (!result.ok) throw new ApiError(result.code, result.message);
  return result as Exclude<R, Failure>;
}

export function onError(error: Error, c: Context<AppEnv>): Response {
  if (error instanceof ApiError) {
    if (error.code === "forbidden") auditRefusal(c, error.message);
    return c.json(errorBody(error.code, error.message), ERRORS[error.code], error.headers);
  }
  if (error instanceof HTTPException) {
    const status = error.status;
    const code: ErrorCode = status === 413 ? "payload_too_large" : status === 401 ? "unauthorized" : "bad_request";
    return c.json(errorBody(code, error.message || "bad request"), status);
  }
  logError("unhandled", error);
  return c.json({ error: { code: "internal", message: "internal error" } }, 500);
}

/**
 * A member refused for their role is audited: who, on which session, what they asked. The reason
 * is the refusal's message, built only from the fixed names of the action and the roles.
 */
function auditRefusal(c: Context<AppEnv>, reason: string): void {
  audit(AUDIT_EVENTS.ACCESS_REFUSED, {
    user_id: c.get("userId") ?? null,
    session_id: c.req.param("id") ?? null,
    reason,
    method: c.req.method,
    path: c.req.path,
  });
}
