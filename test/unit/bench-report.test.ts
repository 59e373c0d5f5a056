/**
 * The bench's reporting (bench/lib/report.mjs, bench/lib/summary.mjs) on a small results object
 * shaped as bench/run.mjs writes it: every figure printed is one of the JSON's own (rounded for
 * display), each peer's figure sits in its own column, and the targets list counts the runs that
 * met each target.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
// @ts-expect-error: plain ESM module of the bench, without types
import { PEER_PACKAGES, peerVersions } from "../../bench/lib/machine.mjs";
// @ts-expect-error: plain ESM module of the bench, without types
import { DESIGNS, printTable, row, show } from "../../bench/lib/report.mjs";
// @ts-expect-error: plain ESM module of the bench, without types
import { cell, format, normalize, summarize } from "../../bench/lib/summary.mjs";
// @ts-expect-error: plain ESM module of the bench, without types
import { TARGETS } from "../../bench/lib/targets.mjs";

type Row = Record<string, unknown> & { scenario: string; metric: string };
const NUMBER = /\d[\d,]*(?:\.\d+)?/g;
const numbersIn = (text: string) => (text.match(NUMBER) ?? []).map((t) => Number(t.replaceAll(",", "")));

/** Every number in `value`: the numbers themselves and those written inside its strings. */
function numbersOf(value: unknown, into: number[] = []): number[] {
  if (typeof value === "number") into.push(Math.abs(value));
  else if (typeof value === "string") into.push(...numbersIn(value));
  else if (value && typeof value === "object") for (const v of Object.values(value)) numbersOf(v, into);
  return into;
}

/** The numbers printed in `text` that are no number of `input`, at any rounding the report uses. */
function foreignNumbers(text: string, input: unknown): number[] {
  const known = numbersOf(input);
  const near = (t: number) =>
    known.some((n) => [0, 1, 2, 3].some((d) => Math.abs(Math.round(n * 10 ** d) / 10 ** d - t) < 1e-9));
  return numbersIn(text).filter((t) => !near(t));
}

/** One run's results; `k` varies the figures between runs, `pass` the replay row's judgement. */
function run(k: number, pass: boolean) {
  const rows: Row[] = [
    {
      scenario: "1 replay 10k",
      metric: "wall time, warm, pages kept",
      unit: "ms",
      ours: 13.37 + k,
      pipe: 12.61 + k,
      naive: 431.7 + k,
      target: "<=1.5x pipe, <100 ms",
      pass,
    },
    { scenario: "7 peer resume 10k", metric: "time", unit: "ms", ours: 15.21 + k, resumableStream: 49.37 + k },
    {
      scenario: "agents (Agents SDK peer)",
      metric: "resume 10k chunks from the start: to the last chunk, ours over SSE",
      unit: "ms",
      ours: 20.13 + k,
      agents: 1202.4 + k,
      note: `theirs over their WebSocket resume protocol; median of ${k + 1}`,
    },
    {
      scenario: "8 cost, 1,000 Nova3 runs",
      metric: "rows written",
      ours: 108_167 + k,
      naive: 495_000 + k,
      agents: 136_003 + k,
    },
  ];
  const table = rows.map(row);
  return {
    command: `npm run bench -- --trials ${k + 1}`,
    machine: {
      cpus: 2,
      cpuModel: "AMD EPYC",
      memoryGiB: 24,
      node: "v20.20.2",
      workerd: "workerd 2026-04-21",
      wrangler: "4.84.1",
      peers: { "resumable-stream": "2.2.13", agents: "0.32.0" },
      loadAverage: [0.5 + k, 1.25, 1.5],
      loadAverageAfter: [2.5, 1.75, 1.5],
    },
    settings: { trials: k + 1 },
    seconds: 300 + k,
    table,
    results: {},
  };
}

// Uneven steps, so that a mean or a midpoint would print a figure no run has.
const RUNS = [run(0, true), run(1, false), run(4, true)];

function printed(rows: unknown[]): string {
  let text = "";
  printTable(rows, { write: (s: string) => (text += s) });
  return text;
}

const markdownRow = (md: string, start: string) => {
  const line = md.split("\n").find((l) => l.startsWith(`| ${start}`));
  if (!line) throw new Error(`no row ${start}`);
  return line.split(" | ").map((c) => c.replace(/^\| |\s\|$/g, ""));
};
const column = (label: string) => 2 + DESIGNS.findIndex((d: { label: string }) => d.label === label);

describe("the terminal table", () => {
  const text = printed(RUNS[0].table);

  it("prints only figures of the JSON", () => {
    expect(foreignNumbers(text, RUNS[0])).toEqual([]);
  });

  it("gives resumable-stream and the Agents SDK their own columns, filled from their scenarios", () => {
    const header = text.split("\n")[0];
    expect(header).toMatch(/ours\s+pipe\s+naive\s+resumable-stream\s+Agents SDK\s+ours\/pipe/);
    const line = (metric: string) => text.split("\n").find((l) => l.trimStart().startsWith(metric)) ?? "";
    expect(line("time (ms)").split(/\s{2,}/)).toEqual([
      "",
      "time (ms)",
      "15.2",
      "—",
      "—",
      "49.4",
      "—",
      "—",
      "—",
      "3.25x",
      "—",
    ]);
    const sdk = line("resume 10k chunks").split(/\s{2,}/);
    expect(sdk.slice(2, 7)).toEqual(["20.1", "—", "—", "—", show(1202.4)]);
    expect(text).toContain("Agents SDK: agents (Agents SDK peer); 8 cost, 1,000 Nova3 runs");
    expect(text).toContain("resumable-stream: 7 peer resume 10k");
  });

  it("keeps a figure under a name no column has, as a note", () => {
    const r = row({ scenario: "x", metric: "y", ours: 1.5, peer: 7.25 });
    expect(r.unlabelled).toEqual({ peer: 7.25 });
    expect(printed([r])).toContain("note: x / y: figures with no column: peer 7.3");
  });
});

/**
 * `md` without the targets' own words: the issues' numbers and what each asks, written in
 * targets.mjs, not figures.
 */
const withoutAsks = (md: string) =>
  (TARGETS as { asks: string; issues: string }[])
    .reduce((text, t) => text.replaceAll(`| ${t.asks} |`, "| |").replaceAll(`| ${t.issues} |`, "| |"), md)
    .replace(/^Targets of issues .*$/m, "");

describe("the summary of three runs", () => {
  const md = summarize(RUNS);

  it("prints only figures of the runs' JSON", () => {
    expect(foreignNumbers(withoutAsks(md), RUNS)).toEqual([]);
  });

  it("shows the median and range of each design in its own column, and met n/3", () => {
    const replay = markdownRow(md, "1 replay 10k | wall time, warm, pages kept");
    expect(replay[column("ours")]).toBe(`${format(14.37)} (${format(13.37)}–${format(17.37)})`);
    expect(replay.at(-1)).toBe("2/3");
    const sdk = markdownRow(md, "agents (Agents SDK peer)");
    expect(sdk[column("Agents SDK")]).toBe("1,203 (1,202–1,206)");
    expect(sdk[column("resumable-stream")]).toBe("—");
    const rs = markdownRow(md, "7 peer resume 10k");
    expect(rs[column("resumable-stream")]).toBe("50.4 (49.4–53.4)");
    expect(rs[column("Agents SDK")]).toBe("—");
    expect(markdownRow(md, "8 cost")[column("Agents SDK")]).toBe("136,004 (136,003–136,007)");
  });

  it("lists every target of issues 11 and 16, met n/N or not in these runs", () => {
    expect(md).toMatch(
      /\| 7, 16 \| replay of 10,000 events within 1\.5x[^\n]*\| 1 replay 10k: wall time, warm, pages kept \(ms\) \|[^\n]*\| 2\/3 \|/,
    );
    expect(md).toMatch(/\| 16 \| 2,000 WebSocket followers[^\n]*\| not in these runs \| — \| — \|/);
    expect(md).toMatch(
      /\| 16 \| Agents SDK: resume of a 10,000-chunk[^\n]*Agents SDK 1,203 \(1,202–1,206\) \| reported \|/,
    );
  });

  it("notices a figure that is not in the input", () => {
    expect(foreignNumbers(`${withoutAsks(md)}\n| made up | 987.65 |`, RUNS)).toEqual([987.65]);
  });
});

describe("results written before the peers had their own columns", () => {
  it("puts `peer` in the Agents SDK column for the agents and cost scenarios, else in resumable-stream's", () => {
    const old = (scenario: string) => normalize({ scenario, metric: "m", ours: 1, peer: 2, peerVsOurs: 2 });
    expect(old("agents (Agents SDK peer)")).toMatchObject({ agents: 2, agentsVsOurs: 2 });
    expect(old("8 cost, 1,000 Nova3 runs")).toMatchObject({ agents: 2 });
    expect(old("7 peer resume 10k")).toMatchObject({ resumableStream: 2, resumableStreamVsOurs: 2 });
    expect(old("7 peer resume 10k")).not.toHaveProperty("peer");
  });
});

describe("the versions a run records", () => {
  it("names every peer package's installed version", async () => {
    const versions = await peerVersions();
    for (const name of PEER_PACKAGES) {
      const installed = JSON.parse(readFileSync(`node_modules/${name}/package.json`, "utf8")).version;
      expect(versions[name]).toBe(installed);
    }
    expect(versions).toHaveProperty("redis-server");
  });
});

describe("a cell across runs", () => {
  it("shows the median and the range, and the range only where the runs differ", () => {
    expect(cell([3, 1, 2])).toBe("2 (1–3)");
    expect(cell([1668141, 1668141], "x")).toBe("1,668,141x");
    expect(cell([undefined, null])).toBe("—");
  });
});
