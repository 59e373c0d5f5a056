/**
 * What the demo page says, as pure functions: error types in sentences (src/demo/error-text.ts),
 * states and their tones (labels.ts), the progress bar (run-progress.ts) and the log's last line
 * (run-summary.ts). A failed run must never read or look like a success.
 */

import type { AgentView } from "@edge-stream/client";
import { describe, expect, it } from "vitest";
import { describeAgentError, describeRunError, errorSentence } from "../../src/demo/error-text";
import { panelBadge, panelStatus, toneOf } from "../../src/demo/labels";
import { runProgress } from "../../src/demo/run-progress";
import { runSummary } from "../../src/demo/run-summary";
import { ERROR_TYPES, type ErrorPayload } from "../../src/protocol/events";

const error = (error_type: string, more: Partial<ErrorPayload> = {}): ErrorPayload => ({
  error: "HTTP 401: nope",
  error_type,
  retry_count: 0,
  will_retry: false,
  ...more,
});

function agent(name: string, status: AgentView["status"], errors: ErrorPayload[] = []): AgentView {
  return { name, status, text: status === "completed" ? "text" : "", task: "", model: "m", summary: "", errors };
}

describe("error text", () => {
  it("has a sentence for every error type, none of them showing a raw code", () => {
    const sentences = Object.values(ERROR_TYPES).map(errorSentence);
    expect(new Set(sentences).size).toBe(sentences.length);
    for (const [i, code] of Object.values(ERROR_TYPES).entries()) {
      expect(sentences[i]).not.toContain(`${code}:`);
      expect(sentences[i]).not.toContain("_");
      expect(sentences[i]).toMatch(/^[A-Z].*\.$/);
    }
    expect(errorSentence("something_new")).toBe("Something went wrong.");
  });

  it("says what happens next: the attempt that follows, or none, and what was discarded", () => {
    expect(describeAgentError(error("rate_limited", { will_retry: true, retry_count: 1, discarded_chars: 12 }))).toBe(
      "The model provider asked us to slow down (rate limit). The 12 characters it had streamed are discarded. Retrying (attempt 3).",
    );
    expect(describeAgentError(error("auth"))).toBe(
      "The model provider refused the service's credentials. No more attempts.",
    );
    expect(describeAgentError(error("fallback", { will_retry: true, fallback_model: "small" }))).toBe(
      "Retries ran out, so one last attempt uses the fallback model small.",
    );
  });

  it("names the required agent that stopped the run", () => {
    expect(describeRunError(error("agent_error"), "content_agent")).toBe(
      "The run stopped: the required agent Content agent failed.",
    );
    expect(describeRunError(error("config_error"), "requirement_analyzer")).toBe(
      "The run stopped: the required agent Requirement analyzer failed. The model's address or name is wrong in the service's configuration.",
    );
    expect(describeRunError(error("resume_limit"))).toBe(
      "The run stopped: the server was interrupted too often, so the run was given up.",
    );
  });
});

describe("labels", () => {
  it("shows planned agents as waiting, then as not run or stopped once the run has ended", () => {
    expect(panelStatus(undefined, false)).toBe("planned");
    expect(panelStatus(undefined, true)).toBe("not_run");
    expect(panelStatus({ status: "running" }, true)).toBe("stopped");
    expect(panelStatus({ status: "retrying" }, false)).toBe("retrying");
    expect(panelStatus({ status: "failed" }, true)).toBe("failed");
    expect(panelBadge("planned")).toBe("waiting");
    expect(panelBadge("not_run")).toBe("not run");
  });

  it("gives failed the bad tone, partial and cancelled a warning, only completed the good one", () => {
    expect(["completed", "partial", "cancelled", "failed", "running", "planned"].map(toneOf)).toEqual([
      "ok",
      "warn",
      "warn",
      "bad",
      "running",
      "idle",
    ]);
  });
});

describe("runProgress", () => {
  it("moves during a one-agent Loomi turn, whose only progress event comes at the end", () => {
    const plan = ["loomi_concierge"];
    expect(runProgress({ status: "running", agents: {} }, plan).percent).toBe(0);
    const working = runProgress(
      { status: "running", agents: { loomi_concierge: agent("loomi_concierge", "running") } },
      plan,
    );
    expect(working).toEqual({ percent: 50, caption: "0 of 1 agent done · Loomi concierge working" });
    const done = { loomi_concierge: agent("loomi_concierge", "completed") };
    expect(runProgress({ status: "completed", agents: done }, plan)).toEqual({ percent: 100, caption: "Done" });
  });

  it("takes the server's progress when it is further, and stops short of 100% for a failed run", () => {
    const plan = ["a", "b", "c", "d"];
    const progress = { completed_steps: 3, total_steps: 4, percent: 75, stage: "c" };
    expect(runProgress({ status: "running", agents: { a: agent("a", "completed") }, progress }, plan).percent).toBe(75);
    const failed = runProgress(
      { status: "failed", agents: { a: agent("a", "completed"), b: agent("b", "failed") } },
      plan,
    );
    expect(failed).toEqual({ percent: 25, caption: "Stopped after 1 of 4 agents: B failed" });
  });
});

describe("runSummary", () => {
  const counts = { delivered: 40, chars: 1200 };

  it("writes a failed run as an error, with the reason in words", () => {
    const agents = { a: agent("a", "completed"), content_agent: agent("content_agent", "failed", [error("auth")]) };
    const errors = [error("agent_error")];
    expect(runSummary({ status: "failed", agents, errors }, counts)).toEqual({
      kind: "error",
      text: "Run failed: Content agent failed (The model provider refused the service's credentials). 40 events delivered once each, 2 agents, 1,200 characters verified against the server.",
    });
  });

  it("writes completed as ok, partial and cancelled as warnings", () => {
    const agents = { a: agent("a", "completed"), b: agent("b", "failed", [error("server_error")]) };
    expect(runSummary({ status: "completed", agents: { a: agents.a }, errors: [] }, counts).kind).toBe("ok");
    expect(runSummary({ status: "partial", agents, errors: [] }, counts)).toMatchObject({
      kind: "warn",
      text: expect.stringMatching(/^Run partial: B failed \(The model provider had a server error\)\. The other/),
    });
    expect(runSummary({ status: "cancelled", agents, errors: [] }, counts).kind).toBe("warn");
  });
});
