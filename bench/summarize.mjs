/**
 * Summarizes several bench runs as one Markdown table: for each figure the median across runs and
 * the range (min-max), and how many runs met the target.
 *
 *   node bench/summarize.mjs bench/results/bench-A.json bench/results/bench-B.json ...
 */
import { readFile } from "node:fs/promises";
import { median } from "./lib/stats.mjs";

const files = process.argv.slice(2);
if (files.length === 0) throw new Error("usage: node bench/summarize.mjs <results.json>...");
const runs = await Promise.all(files.map(async (f) => JSON.parse(await readFile(f, "utf8"))));

const format = (v) => {
  if (v === undefined || v === null) return "—";
  const abs = Math.abs(v);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return Number(v.toFixed(digits)).toLocaleString("en-US");
};
const cell = (values) => {
  const present = values.filter((v) => typeof v === "number" && Number.isFinite(v));
  if (present.length === 0) return "—";
  if (present.length === 1) return format(present[0]);
  return `${format(median(present))} (${format(Math.min(...present))}–${format(Math.max(...present))})`;
};

const keys = [];
const rows = new Map();
for (const run of runs) {
  for (const r of run.table) {
    const key = `${r.scenario} | ${r.metric}${r.unit ? ` (${r.unit})` : ""}`;
    if (!rows.has(key)) {
      keys.push(key);
      rows.set(key, []);
    }
    rows.get(key).push(r);
  }
}
const header = ["scenario", "metric", "ours", "pipe", "naive", "peer", "ours/pipe", "naive/ours", "target", "met"];
const lines = [`| ${header.join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`];
for (const key of keys) {
  const rs = rows.get(key);
  const pick = (field) => cell(rs.map((r) => r[field]));
  const judged = rs.filter((r) => r.pass !== undefined && r.pass !== null);
  const met = judged.length ? `${judged.filter((r) => r.pass).length}/${judged.length}` : "";
  const ratio = (field) => (rs.some((r) => r[field] !== undefined && r[field] !== null) ? `${pick(field)}x` : "—");
  const [scenario, metric] = key.split(" | ");
  lines.push(
    `| ${[scenario, metric, pick("ours"), pick("pipe"), pick("naive"), pick("peer"), ratio("vsPipe"), ratio("naiveVsOurs"), rs[0].target ?? "", met].join(" | ")} |`,
  );
}
process.stdout.write(`${lines.join("\n")}\n\n${runs.length} runs; each cell: median (min–max) across runs.\n`);
for (const run of runs) {
  process.stdout.write(
    `- ${run.command}: ${run.seconds.toFixed(0)} s, load ${run.machine.loadAverage.join("/")} -> ${run.machine.loadAverageAfter?.join("/")}\n`,
  );
}
