/**
 * The bench's output: rows of figures beside the two baselines, printed as one table and written
 * as JSON under bench/results/.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { round } from "./stats.mjs";

/**
 * One result row. `better` is "lower" (times, latencies, memory, rows) or "higher" (rates).
 * Ratios read "times worse than the reference": `vsPipe` = ours against the pipe limit,
 * `naiveVsOurs` = the naive design against ours, `peerVsOurs` = resumable-stream against ours.
 * Each is undefined where that comparison does not apply.
 */
export function row({ scenario, metric, unit, better = "lower", ours, pipe, naive, peer, target, pass, note }) {
  const worse = (a, b) =>
    a === undefined || b === undefined || !a || !b ? undefined : better === "lower" ? a / b : b / a;
  return {
    scenario,
    metric,
    unit,
    better,
    ours,
    pipe,
    naive,
    peer,
    vsPipe: worse(ours, pipe),
    naiveVsOurs: worse(naive, ours),
    peerVsOurs: worse(peer, ours),
    target,
    pass,
    note,
  };
}

const show = (value, digits = 1) => {
  const r = round(value, digits);
  if (r === undefined) return "—";
  return Math.abs(r) >= 10_000 ? Math.round(r).toLocaleString("en-US") : String(r);
};

/** Prints the rows as one aligned text table. */
export function printTable(rows, out = process.stdout) {
  const header = [
    "scenario",
    "metric",
    "ours",
    "pipe",
    "naive",
    "peer",
    "ours/pipe",
    "naive/ours",
    "peer/ours",
    "target",
    "ok",
  ];
  const lines = rows.map((r) => [
    r.scenario,
    `${r.metric}${r.unit ? ` (${r.unit})` : ""}`,
    show(r.ours),
    show(r.pipe),
    show(r.naive),
    show(r.peer),
    r.vsPipe === undefined ? "—" : `${show(r.vsPipe, 2)}x`,
    r.naiveVsOurs === undefined ? "—" : `${show(r.naiveVsOurs, 1)}x`,
    r.peerVsOurs === undefined ? "—" : `${show(r.peerVsOurs, 2)}x`,
    r.target ?? "",
    r.pass === undefined ? "" : r.pass ? "yes" : "NO",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)));
  const format = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join("  ");
  out.write(`${format(header)}\n${widths.map((w) => "-".repeat(w)).join("  ")}\n`);
  for (const line of lines) out.write(`${format(line)}\n`);
  out.write("ratios: how many times worse than the reference (time/latency: a/b; rate: b/a); — = not applicable\n");
  for (const r of rows.filter((x) => x.note)) out.write(`note: ${r.scenario} / ${r.metric}: ${r.note}\n`);
}

/** Writes the whole run as JSON; returns the file's path. */
export async function writeResults(dir, data) {
  await mkdir(dir, { recursive: true });
  const file = `${dir}/bench-${new Date().toISOString().replace(/[:.]/g, "-")}.json`;
  await writeFile(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}
