/**
 * Samples the open file descriptors of a dev server's workerd processes (`/proc/<pid>/fd`) every
 * few seconds: the soak reports each process's peak, and keeps the whole series in
 * test-results/ so a pile-up of connections can be placed in time. The process that listens on
 * the server's public port is wrangler's proxy; the other is the user Worker's runtime.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import type { DevServer } from "./dev-server";
import { fdCount, listeningPorts } from "./workerd-processes";

/** One workerd process's descriptors over a sampling period. */
export interface FdPeak {
  pid: number;
  role: "proxy" | "worker";
  /** Most descriptors seen open at once. */
  peak: number;
  /** When the peak was seen, s since sampling started. */
  peakAtS: number;
  samples: number;
}

export interface FdSampler {
  /** A note now in the series (what the test is doing from here on), e.g. "heap reading". */
  mark(label: string): void;
  /** Descriptors open right now, per process: "worker 1234: 812, proxy 1230: 240". */
  now(): string;
  /** Peaks so far, one per process seen. */
  peaks(): FdPeak[];
  /** Stops sampling and writes the series to test-results/<name>.csv. */
  stop(name: string): FdPeak[];
}

export function sampleFds(server: Pick<DevServer, "workerdPids" | "port">, everyMs: number): FdSampler {
  const started = Date.now();
  const peaks = new Map<number, FdPeak>();
  const rows: string[] = ["t_s,pid,role,fds,mark"];
  let mark = "";
  const sample = () => {
    const t = (Date.now() - started) / 1000;
    for (const pid of server.workerdPids()) {
      let entry = peaks.get(pid);
      if (!entry) {
        entry = {
          pid,
          role: listeningPorts(pid).includes(server.port) ? "proxy" : "worker",
          peak: 0,
          peakAtS: 0,
          samples: 0,
        };
        peaks.set(pid, entry);
      }
      const fds = fdCount(pid);
      entry.samples++;
      if (fds > entry.peak) Object.assign(entry, { peak: fds, peakAtS: Math.round(t) });
      rows.push(`${t.toFixed(1)},${pid},${entry.role},${fds},${mark}`);
    }
    mark = "";
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    mark(label) {
      mark = label;
      sample();
    },
    now: () => [...peaks.values()].map((p) => `${p.role} ${p.pid}: ${fdCount(p.pid)}`).join(", "),
    peaks: () => [...peaks.values()],
    stop(name) {
      clearInterval(timer);
      sample();
      const dir = resolve(import.meta.dirname, "../../test-results");
      mkdirSync(dir, { recursive: true });
      writeFileSync(resolve(dir, `${name}.csv`), `${rows.join("\n")}\n`);
      return [...peaks.values()];
    },
  };
}

/** "worker 1234: 812 (at 95 s), proxy 1230: 240 (at 12 s)": the peaks as the soak reports them. */
export function formatPeaks(peaks: FdPeak[]): string {
  return peaks
    .sort((a, b) => b.peak - a.peak)
    .map((p) => `${p.role} ${p.pid}: ${p.peak} (at ${p.peakAtS} s)`)
    .join(", ");
}
