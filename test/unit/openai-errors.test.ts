import { APIConnectionError, APIError } from "openai";
import { describe, expect, it } from "vitest";
import { LlmError } from "../../src/llm/errors";
import { classifyOpenAiError, classifyStatus, completionsUrl } from "../../src/llm/openai-errors";
import { ERROR_TYPES } from "../../src/protocol/events";

const apiError = (status: number, headers: Record<string, string> = {}) =>
  APIError.generate(status, { message: `boom ${status}` }, undefined, new Headers(headers));

describe("classifying what the openai client throws", () => {
  it("maps HTTP statuses: 429 rate limited, 401/403 auth, 404 configuration, 5xx/408/409 server, other 4xx bad request", () => {
    expect([429, 401, 403, 500, 502, 503, 408, 409, 400, 404, 422].map(classifyStatus)).toEqual([
      "rate_limited",
      "auth",
      "auth",
      "server_error",
      "server_error",
      "server_error",
      "server_error",
      "server_error",
      "bad_request",
      "config_error",
      "bad_request",
    ]);
  });

  it("keeps the status and reads Retry-After from the error's headers", () => {
    const error = classifyOpenAiError(apiError(429, { "retry-after": "3" }), false);
    expect(error).toBeInstanceOf(LlmError);
    expect(error).toMatchObject({ errorType: ERROR_TYPES.RATE_LIMITED, status: 429, retryAfterMs: 3000 });
    expect(error.message).toMatch(/^HTTP 429: /);
    expect(classifyOpenAiError(apiError(401), true)).toMatchObject({ errorType: ERROR_TYPES.AUTH, status: 401 });
  });

  it("names the URL called and the settings to check when the configuration is wrong", () => {
    const target = { url: "http://localhost:11434/chat/completions", model: "llama3.2" };
    const notFound = classifyOpenAiError(apiError(404), false, target);
    expect(notFound).toMatchObject({ errorType: ERROR_TYPES.CONFIG_ERROR, status: 404 });
    expect(notFound.message).toBe(
      'the endpoint http://localhost:11434/chat/completions answered 404: check OPENAI_BASE_URL (it usually ends in /v1) and LLM_MODEL (model "llama3.2")',
    );
    const refused = classifyOpenAiError(apiError(401), false, target);
    expect(refused).toMatchObject({ errorType: ERROR_TYPES.AUTH, status: 401 });
    expect(refused.message).toMatch(
      /^the endpoint http:\/\/localhost:11434\/chat\/completions answered 401: check OPENAI_API_KEY/,
    );
    // Any other status keeps the plain form.
    expect(classifyOpenAiError(apiError(503), false, target).message).toMatch(/^HTTP 503: /);
  });

  it("shows the endpoint without credentials, query or fragment", () => {
    expect(completionsUrl("http://localhost:11434")).toBe("http://localhost:11434/chat/completions");
    expect(completionsUrl("https://api.example/v1/")).toBe("https://api.example/v1/chat/completions");
    expect(completionsUrl("https://me:pw@api.example/v1?key=secret#x")).toBe("https://api.example/v1/chat/completions");
  });

  it("tells a failure to connect from a stream that broke off after the response began", () => {
    expect(classifyOpenAiError(new APIConnectionError({ message: "refused" }), false).errorType).toBe(
      ERROR_TYPES.NETWORK,
    );
    expect(classifyOpenAiError(new Error("Network connection lost."), false).errorType).toBe(ERROR_TYPES.NETWORK);
    expect(classifyOpenAiError(new Error("Network connection lost."), true).errorType).toBe(ERROR_TYPES.STREAM_BROKEN);
  });

  it("treats a chunk that is not JSON as malformed, and an error inside the stream as a server error", () => {
    let syntax: unknown;
    try {
      JSON.parse("{not json");
    } catch (error) {
      syntax = error;
    }
    expect(classifyOpenAiError(syntax, true).errorType).toBe(ERROR_TYPES.MALFORMED);
    const inStream = new APIError(undefined, { message: "overloaded" }, undefined, undefined);
    expect(classifyOpenAiError(inStream, true).errorType).toBe(ERROR_TYPES.SERVER_ERROR);
  });

  it("passes an already classified error through", () => {
    const stall = new LlmError(ERROR_TYPES.STALL, "quiet");
    expect(classifyOpenAiError(stall, true)).toBe(stall);
  });
});
