/**
 * The bench's output: rows of figures, ours beside the two baselines (the pipe limit, the naive
 * design) and the two peers (`resumable-stream`, the Cloudflare Agents SDK), printed as one table
 * and written as JSON under bench/results/.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { round } from "./stats.mjs";

/**
 * The designs a row can carry a figure for, in the table's order: the row's field and its column.
 * A peer's figure sits in its own column: `resumableStream` (Vercel's `resumable-stream` with
 * redis: the peer and ai-resume scenarios) and `agents` (the Agents SDK's `AIChatAgent` on the same
 * runtime: the agents scenario, and its row pattern in the cost scenario).
 */
export const DESIGNS = [
  { key: "ours", label: "ours" },
  { key: "pipe", label: "pipe" },
  { key: "naive", label: "naive" },
  { key: "resumableStream", label: "resumable-stream" },
  { key: "agents", label: "Agents SDK" },
];

/**
 * The ratios, "times worse than the reference" (time, latency, memory, rows: a/b; rate: b/a): the
 * row's field, its column, and the two designs it divides.
 */
export const RATIOS = [
  { key: "vsPipe", label: "ours/pipe", of: "ours", to: "pipe" },
  { key: "naiveVsOurs", label: "naive/ours", of: "naive", to: "ours" },
  { key: "resumableStreamVsOurs", label: "r-s/ours", of: "resumableStream", to: "ours" },
  { key: "agentsVsOurs", label: "SDK/ours", of: "agents", to: "ours" },
];

/** What the table prints under itself, so its columns read without the doc. */
export const LEGEND = [
  "pipe = the Worker alone sending the same frames (no object, no storage); naive = this service with one write per event and one row a replay page;",
  "resumable-stream = Vercel's resumable-stream on a local redis-server; Agents SDK = Cloudflare's AIChatAgent on the same workerd;",
  "r-s/ours, SDK/ours = resumable-stream, Agents SDK over ours; ratios read how many times worse than the reference (a/b for times, b/a for rates);",
  "— = the scenario does not run that design (each peer runs only in its own scenarios, listed below)",
];

/**
 * One result row. `better` is "lower" (times, latencies, memory, rows) or "higher" (rates). Each
 * design's figure is undefined where the scenario does not measure it, and so is each ratio. A
 * figure under a name that is no design's (a scenario not yet moved to these columns) is kept
 * under `unlabelled` and printed as a note, never dropped.
 */
export function row({ scenario, metric, unit, better = "lower", target, pass, note, ...figures }) {
  const worse = (a, b) =>
    a === undefined || b === undefined || !a || !b ? undefined : better === "lower" ? a / b : b / a;
  const out = { scenario, metric, unit, better };
  for (const { key } of DESIGNS) out[key] = figures[key];
  for (const { key, of, to } of RATIOS) out[key] = worse(figures[of], figures[to]);
  const unlabelled = Object.entries(figures).filter(([k, v]) => v !== undefined && !DESIGNS.some((d) => d.key === k));
  return { ...out, target, pass, note, ...(unlabelled.length > 0 && { unlabelled: Object.fromEntries(unlabelled) }) };
}

/** A figure for the terminal: one decimal, thousands separated from 10,000 up. */
export const show = (value, digits = 1) => {
  const r = round(value, digits);
  if (r === undefined) return "—";
  return Math.abs(r) >= 10_000 ? Math.round(r).toLocaleString("en-US") : String(r);
};

const ratioCell = (value, key) =>
  value === undefined || value === null ? "—" : `${show(value, key === "naiveVsOurs" ? 1 : 2)}x`;

/** Which scenarios give each design a figure: the reason a column is "—" elsewhere. */
export function whereMeasured(rows) {
  return DESIGNS.filter((d) => d.key !== "ours").map(({ key, label }) => {
    const scenarios = [...new Set(rows.filter((r) => typeof r[key] === "number").map((r) => r.scenario))];
    return `${label}: ${scenarios.length > 0 ? scenarios.join("; ") : "not in this run"}`;
  });
}

/**
 * Prints the rows as one aligned text table, a scenario's rows under its name (the terminal's
 * width goes to the figures), then the legend, where each design was measured, and the notes.
 */
export function printTable(rows, out = process.stdout) {
  const header = ["metric", ...DESIGNS.map((d) => d.label), ...RATIOS.map((r) => r.label), "target", "ok"];
  const cells = (r) => [
    `  ${r.metric}${r.unit ? ` (${r.unit})` : ""}`,
    ...DESIGNS.map(({ key }) => show(r[key])),
    ...RATIOS.map(({ key }) => ratioCell(r[key], key)),
    r.target ?? "",
    r.pass === undefined || r.pass === null ? "" : r.pass ? "yes" : "NO",
  ];
  const lines = rows.map(cells);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)));
  const format = (line) =>
    line
      .map((c, i) => String(c).padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  out.write(`${format(header)}\n${widths.map((w) => "-".repeat(w)).join("  ")}\n`);
  rows.forEach((r, i) => {
    if (i === 0 || rows[i - 1].scenario !== r.scenario) out.write(`${r.scenario}\n`);
    out.write(`${format(lines[i])}\n`);
  });
  for (const line of [...LEGEND, ...whereMeasured(rows)]) out.write(`${line}\n`);
  for (const r of rows.filter((x) => x.note)) out.write(`note: ${r.scenario} / ${r.metric}: ${r.note}\n`);
  for (const r of rows.filter((x) => x.unlabelled)) {
    const figures = Object.entries(r.unlabelled).map(([k, v]) => `${k} ${show(v)}`);
    out.write(`note: ${r.scenario} / ${r.metric}: figures with no column: ${figures.join(", ")}\n`);
  }
}

/** Writes the whole run as JSON; returns the file's path. */
export async function writeResults(dir, data) {
  await mkdir(dir, { recursive: true });
  const file = `${dir}/bench-${new Date().toISOString().replace(/[:.]/g, "-")}.json`;
  await writeFile(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}
