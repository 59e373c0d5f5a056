import { describe, expect, it } from "vitest";
import { AUDIT_EVENTS, AUDIT_MAX_FIELD_CHARS, auditLine } from "../../src/audit";

const at = new Date("2026-01-02T03:04:05.000Z");

describe("audit lines", () => {
  it("are one JSON object with the event, the time and the ids", () => {
    const line = auditLine(AUDIT_EVENTS.RUN_STARTED, { user_id: "alice", session_id: "s1", run_id: "r1" }, at);
    expect(JSON.parse(line)).toEqual({
      type: "audit",
      event: "run_started",
      time: "2026-01-02T03:04:05.000Z",
      user_id: "alice",
      session_id: "s1",
      run_id: "r1",
    });
  });

  it("write only the known fields, whatever the caller passes", () => {
    const fields = { user_id: "u", message: "secret content", token: "eyJ..." } as Record<string, string>;
    const record = JSON.parse(auditLine(AUDIT_EVENTS.SESSION_CREATED, fields, at));
    expect(Object.keys(record).sort()).toEqual(["event", "time", "type", "user_id"]);
  });

  it("stay on one line and bounded, even for a hostile path", () => {
    const path = `/x\n{"event":"forged"}\r\n${"a".repeat(1000)}`;
    const line = auditLine(AUDIT_EVENTS.AUTH_REFUSED, { user_id: null, path }, at);
    expect(line).not.toMatch(/[\r\n]/);
    const record = JSON.parse(line);
    expect(record.event).toBe("auth_refused");
    expect(record.user_id).toBeNull();
    expect(record.path.length).toBe(AUDIT_MAX_FIELD_CHARS);
  });
});
