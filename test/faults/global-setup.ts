/** Clears the fault report before the suite and prints the summary table after it. */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { formatReport, readReport, resetReport } from "../helpers/fault-report";

export function setup(): void {
  resetReport();
}

export function teardown(): void {
  const table = formatReport(readReport());
  writeFileSync(resolve(import.meta.dirname, "../../test-results/faults.md"), `${table}\n`);
  console.log(`\nFault suite summary\n${table}\n`);
}
