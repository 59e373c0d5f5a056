/**
 * Several bench runs (their JSON results) as Markdown: one table with each figure's median across
 * runs and its range (min–max), ours beside the pipe, the naive design, `resumable-stream` and the
 * Agents SDK, and how many runs met each target; then every target of issues 11 and 16
 * (./targets.mjs) with its figures and "met n/N"; then the notes and the runs' machine, settings
 * and versions. Every figure it prints is one of the runs' own (a median is a run's figure:
 * nearest rank), rounded for display.
 */
import { DESIGNS, LEGEND, RATIOS, whereMeasured } from "./report.mjs";
import { median } from "./stats.mjs";
import { answers, TARGETS } from "./targets.mjs";

/** A figure for Markdown: fewer decimals as it grows, thousands separated. */
export const format = (v) => {
  const abs = Math.abs(v);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return Number(v.toFixed(digits)).toLocaleString("en-US");
};

/**
 * Median (min–max) of the runs' figures, the median `suffix`ed, the range left out when every run
 * printed the same; "—" when no run has one.
 */
export function cell(values, suffix = "") {
  const present = values.filter((v) => typeof v === "number" && Number.isFinite(v));
  if (present.length === 0) return "—";
  if (present.length === 1) return `${format(present[0])}${suffix}`;
  const [low, high] = [format(Math.min(...present)), format(Math.max(...present))];
  return `${format(median(present))}${suffix}${low === high ? "" : ` (${low}–${high})`}`;
}

/**
 * A row as this code writes it. Results written before the peers had their own columns kept
 * either peer's figure in `peer`: the Agents SDK's in the agents and cost scenarios, otherwise
 * resumable-stream's.
 */
export function normalize(r) {
  if (r.peer === undefined || r.peer === null) return r;
  const { peer, peerVsOurs, ...rest } = r;
  const agents = r.scenario.startsWith("agents") || r.scenario.startsWith("8 cost");
  return agents
    ? { ...rest, agents: peer, agentsVsOurs: peerVsOurs }
    : { ...rest, resumableStream: peer, resumableStreamVsOurs: peerVsOurs };
}

const keyOf = (r) => `${r.scenario} | ${r.metric}${r.unit ? ` (${r.unit})` : ""}`;

/** The runs' rows by key, in first-seen order. */
function byKey(runs) {
  const rows = new Map();
  for (const run of runs) {
    for (const r of run.table.map(normalize)) {
      if (!rows.has(keyOf(r))) rows.set(keyOf(r), []);
      rows.get(keyOf(r)).push(r);
    }
  }
  return rows;
}

const met = (rs) => {
  const judged = rs.filter((r) => r.pass !== undefined && r.pass !== null);
  return judged.length ? `${judged.filter((r) => r.pass).length}/${judged.length}` : "";
};
const ratio = (rs, key) =>
  cell(
    rs.map((r) => r[key]),
    "x",
  );
const table = (header, lines) =>
  [header, header.map(() => "---"), ...lines].map((cells) => `| ${cells.join(" | ")} |`).join("\n");

function figuresTable(rows) {
  const header = ["scenario", "metric", ...DESIGNS.map((d) => d.label), ...RATIOS.map((r) => r.label), "target", "met"];
  const lines = [...rows].map(([key, rs]) => {
    const [scenario, metric] = key.split(" | ");
    const designs = DESIGNS.map(({ key: k }) => cell(rs.map((r) => r[k])));
    return [scenario, metric, ...designs, ...RATIOS.map(({ key: k }) => ratio(rs, k)), rs[0].target ?? "", met(rs)];
  });
  return table(header, lines);
}

/** The figures of one row across runs, design by design: "ours 12.9 (12.6–13.1); pipe 12.6". */
function figuresOf(rs) {
  const parts = DESIGNS.filter(({ key }) => rs.some((r) => typeof r[key] === "number")).map(
    ({ key, label }) => `${label} ${cell(rs.map((r) => r[key]))}`,
  );
  if (rs.some((r) => typeof r.vsPipe === "number")) parts.push(`ours/pipe ${ratio(rs, "vsPipe")}`);
  return parts.join("; ");
}

function targetsTable(rows) {
  const header = ["issues", "target", "row", "figures (median, range)", "met"];
  const lines = [];
  const claimed = new Set();
  for (const t of TARGETS) {
    const keys = [...rows.keys()].filter((key) => answers(t, rows.get(key)[0]));
    if (keys.length === 0) lines.push([t.issues, t.asks, "not in these runs", "—", "—"]);
    for (const key of keys) {
      claimed.add(key);
      const rs = rows.get(key);
      lines.push([t.issues, t.asks, key.replace(" | ", ": "), figuresOf(rs), met(rs) || "reported"]);
    }
  }
  for (const [key, rs] of rows) {
    if (claimed.has(key) || !rs.some((r) => r.target)) continue;
    lines.push(["—", rs[0].target, key.replace(" | ", ": "), figuresOf(rs), met(rs) || "reported"]);
  }
  return table(header, lines);
}

/** Longest note printed whole; a longer one (a failure's dump) is cut, the JSON keeps it all. */
const NOTE_CHARS = 400;

function notes(rows) {
  const out = [];
  for (const [key, rs] of rows) {
    const distinct = [...new Set(rs.map((r) => r.note).filter(Boolean))];
    for (const note of distinct) {
      const which = rs.flatMap((r, i) => (r.note === note ? [i + 1] : []));
      const text = note.length > NOTE_CHARS ? `${note.slice(0, NOTE_CHARS)}… (whole in the JSON)` : note;
      out.push(`- ${key.replace(" | ", ": ")}${rs.length > 1 ? ` (run ${which.join(", ")})` : ""}: ${text}`);
    }
  }
  return out.join("\n");
}

function runLine(run, i) {
  const m = run.machine;
  const peers = m.peers
    ? `; ${Object.entries(m.peers)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}`
    : "";
  return `${i + 1}. \`${run.command}\`: ${run.seconds.toFixed(0)} s, load ${m.loadAverage.join("/")} -> ${m.loadAverageAfter?.join("/")}; ${m.cpus} x ${m.cpuModel}, ${m.memoryGiB} GiB, node ${m.node}, ${m.workerd}, wrangler ${m.wrangler}${peers}`;
}

/** The Markdown summary of `runs` (parsed results JSON, as bench/run.mjs writes them). */
export function summarize(runs) {
  const rows = byKey(runs);
  const all = [...rows.values()].flat();
  return [
    figuresTable(rows),
    `${runs.length} run(s); each cell: median (min–max) across runs; met = runs that met the row's target.`,
    [...LEGEND, ...whereMeasured(all)].map((line) => `- ${line}`).join("\n"),
    "Targets of issues 11 and 16 (and issue 7's, kept by issue 11):",
    targetsTable(rows),
    "Notes:",
    notes(rows),
    "Runs:",
    runs.map(runLine).join("\n"),
  ].join("\n\n");
}
