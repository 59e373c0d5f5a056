/**
 * The timeline in sentences, under the chart (and for screen readers): which agents ran in
 * parallel, what retries cost, when the first token came, and how this client's connection
 * dropped and resumed. Pure.
 */
import { agentLabel } from "./labels";
import type { Bar, TimelineModel } from "./timeline-model";

/** "0.42 s", "1.3 s", "12 s". */
export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${s < 1 ? s.toFixed(2) : s < 10 ? s.toFixed(1) : Math.round(s)} s`;
}

/** When the agent was working (from its first non-queued moment to its last), if it ever was. */
function activeSpan(bar: Bar): { fromMs: number; toMs: number } | undefined {
  const active = bar.segments.filter((s) => s.state !== "queued");
  if (!active.length) return undefined;
  return { fromMs: active[0].fromMs, toMs: active[active.length - 1].toMs };
}

/** Pairs of agents whose working times overlapped, and for how long. */
export function parallelAgents(model: TimelineModel): { agents: [string, string]; overlapMs: number }[] {
  const pairs: { agents: [string, string]; overlapMs: number }[] = [];
  model.bars.forEach((a, i) => {
    for (const b of model.bars.slice(i + 1)) {
      const sa = activeSpan(a);
      const sb = activeSpan(b);
      if (!sa || !sb) continue;
      const overlapMs = Math.min(sa.toMs, sb.toMs) - Math.max(sa.fromMs, sb.fromMs);
      if (overlapMs > 0) pairs.push({ agents: [a.agent, b.agent], overlapMs });
    }
  });
  return pairs;
}

export function describeTimeline(model: TimelineModel): string[] {
  const lines: string[] = [];
  const first = model.marks.find((m) => m.kind === "first_token");
  if (first) lines.push(`First token after ${formatSeconds(first.atMs)}.`);
  for (const { agents, overlapMs } of parallelAgents(model)) {
    lines.push(
      `${agentLabel(agents[0])} and ${agentLabel(agents[1])} ran in parallel for ${formatSeconds(overlapMs)}.`,
    );
  }
  for (const bar of model.bars) {
    const retries = bar.segments.filter((s) => s.state === "retrying");
    if (!retries.length) continue;
    const cost = retries.reduce((sum, s) => sum + s.toMs - s.fromMs, 0);
    const what = retries.length === 1 ? "a retry" : `${retries.length} retries`;
    const waiting = !model.ended && bar.outcome === "running" && bar.segments.at(-1)?.state === "retrying";
    lines.push(
      waiting
        ? `${agentLabel(bar.agent)} is retrying (${formatSeconds(cost)} lost to retries so far).`
        : `${agentLabel(bar.agent)} lost ${formatSeconds(cost)} to ${what}.`,
    );
  }
  for (const [i, mark] of model.marks.entries()) {
    if (mark.kind !== "paused") continue;
    const answer = model.marks.slice(i + 1).find((m) => m.kind === "answered");
    const when = `The run paused for a review at ${formatSeconds(mark.atMs)}`;
    lines.push(answer ? `${when}; answered ${formatSeconds(answer.atMs - mark.atMs)} later.` : `${when} and waits.`);
  }
  for (const span of model.offline) {
    const when = `The connection dropped at ${formatSeconds(span.fromMs)}`;
    if (!span.resumed) {
      lines.push(`${when} and is reconnecting.`);
      continue;
    }
    const lost = model.gapless ? ", with nothing lost" : "";
    lines.push(`${when} and resumed ${formatSeconds(span.toMs - span.fromMs)} later${lost}.`);
  }
  return lines;
}
