/**
 * The fault suite's summary: each scenario records what it checked (test-results/faults.jsonl);
 * the suite's globalSetup prints the table at the end and writes it to test-results/faults.md.
 */
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";

export interface ScenarioResult {
  scenario: string;
  runs: number;
  eventsChecked: number;
  lost: number;
  duplicated: number;
  /** Longest time from a fault to the client having every event again, ms. */
  maxRecoveryMs: number;
  notes?: string;
}

const DIR = resolve(import.meta.dirname, "../../test-results");
const FILE = resolve(DIR, "faults.jsonl");

export function resetReport(): void {
  mkdirSync(DIR, { recursive: true });
  writeFileSync(FILE, "");
}

export function record(result: ScenarioResult): void {
  mkdirSync(DIR, { recursive: true });
  appendFileSync(FILE, `${JSON.stringify(result)}\n`);
}

export function readReport(): ScenarioResult[] {
  try {
    return readFileSync(FILE, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as ScenarioResult);
  } catch {
    return [];
  }
}

export function formatReport(results: ScenarioResult[]): string {
  const header = "| scenario | runs | events checked | lost | duplicated | max recovery (ms) | notes |";
  const rows = results.map(
    (r) =>
      `| ${r.scenario} | ${r.runs} | ${r.eventsChecked} | ${r.lost} | ${r.duplicated} | ${r.maxRecoveryMs} | ${r.notes ?? ""} |`,
  );
  return [header, "|---|---|---|---|---|---|---|", ...rows].join("\n");
}
