/**
 * Cloudflare's published Workers Paid prices the cost scenario applies (docs/cost.md), as read on
 * 3 Dec 2026. Marginal prices only: the plan's $5 a month and its included usage (10 M Worker
 * requests, 30 M CPU ms, 1 M Durable Object requests, 400,000 GB-s, 25 B rows read, 50 M rows
 * written, 5 GB-month) are left out, so a figure is what the usage adds once past them.
 */

/** Where each price was read. */
export const PRICE_SOURCES = {
  workers: "https://developers.cloudflare.com/workers/platform/pricing/",
  durableObjects: "https://developers.cloudflare.com/durable-objects/platform/pricing",
  /** The SQLite storage prices: D1's, read through a transcription (docs/cost.md, caveat). */
  sqliteStorage: "https://developers.cloudflare.com/d1/platform/pricing/",
};

/** The date the prices were read. */
export const PRICES_READ_ON = "2026-12-03";

/** USD per unit. */
export const PRICES = {
  workerRequest: 0.3 / 1e6,
  workerCpuMs: 0.02 / 1e6,
  objectRequest: 0.15 / 1e6,
  gbSecond: 12.5 / 1e6,
  rowRead: 0.001 / 1e6,
  rowWritten: 1.0 / 1e6,
  gbMonth: 0.2,
};

/** Memory every active object is billed for, GB (128 MB as 128/1024 GB, whatever it uses). */
export const OBJECT_GB = 128 / 1024;

/** Incoming WebSocket messages billed as one object request (the pricing page's 20:1 ratio). */
export const WS_MESSAGES_PER_REQUEST = 20;

/**
 * Prices one workload: `usage` = { workerRequests, workerCpuMs, objectRequests, webSocketMessages,
 * activeSeconds, rowsRead, rowsWritten, storedGbMonth }; any missing is 0. Returns USD per line
 * and the total.
 */
export function price(usage) {
  const u = (key) => usage[key] ?? 0;
  const lines = {
    workerRequests: u("workerRequests") * PRICES.workerRequest,
    workerCpu: u("workerCpuMs") * PRICES.workerCpuMs,
    objectRequests: (u("objectRequests") + u("webSocketMessages") / WS_MESSAGES_PER_REQUEST) * PRICES.objectRequest,
    duration: u("activeSeconds") * OBJECT_GB * PRICES.gbSecond,
    rowsRead: u("rowsRead") * PRICES.rowRead,
    rowsWritten: u("rowsWritten") * PRICES.rowWritten,
    storage: u("storedGbMonth") * PRICES.gbMonth,
  };
  return { ...lines, total: Object.values(lines).reduce((a, b) => a + b, 0) };
}
