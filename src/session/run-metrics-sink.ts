/**
 * Where a finished run's metrics go: one `run_metrics` log line, always, and one data point in
 * the Workers Analytics Engine dataset bound as `METRICS`, when one is bound (wrangler.toml has
 * the binding commented out; docs/observability.md). Failures never reach the run.
 */
import { metricsDataPoint, runMetrics } from "../agents/run-metrics";
import type { RunRecord } from "../agents/run-record";
import { logError, logMetrics } from "../log";
import type { RunOwner } from "./session-types";

/** The optional binding: absent from the generated Env while wrangler.toml leaves it commented out. */
export interface MetricsBindings {
  METRICS?: Pick<AnalyticsEngineDataset, "writeDataPoint">;
}

/** The log line `run_metrics` and the `METRICS` data point of a run that ended. */
export function recordRunMetrics(env: MetricsBindings, run: RunRecord, owner: RunOwner, defaultModel: string): void {
  try {
    const metrics = runMetrics(run, defaultModel);
    logMetrics("run_metrics", { user_id: owner.userId, session_id: owner.sessionId, run_id: run.run_id, ...metrics });
    env.METRICS?.writeDataPoint(metricsDataPoint(metrics, owner.userId));
  } catch (error) {
    logError("run metrics failed", error);
  }
}
