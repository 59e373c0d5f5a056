/** The audit records (src/audit.ts: one JSON object a line on stdout) that a test's console.log spy saw. */
import type { MockInstance } from "vitest";

/** How every audit line starts. */
const AUDIT_LINE_START = '{"type":"audit"';

/** Every audit record `log` saw, parsed, in order. */
export function auditRecords(log: MockInstance<typeof console.log>): Record<string, unknown>[] {
  return log.mock.calls
    .map((call) => String(call[0]))
    .filter((line) => line.startsWith(AUDIT_LINE_START))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
