/**
 * Summarizes several bench runs as Markdown (bench/lib/summary.mjs): the side-by-side table with
 * each figure's median and range across runs, the targets of issues 11 and 16 with "met n/N", the
 * notes, and each run's machine, settings and versions.
 *
 *   node bench/summarize.mjs bench/results/bench-A.json bench/results/bench-B.json ...
 */
import { readFile } from "node:fs/promises";
import { summarize } from "./lib/summary.mjs";

const files = process.argv.slice(2);
if (files.length === 0) throw new Error("usage: node bench/summarize.mjs <results.json>...");
const runs = await Promise.all(files.map(async (f) => JSON.parse(await readFile(f, "utf8"))));
process.stdout.write(`${summarize(runs)}\n`);
