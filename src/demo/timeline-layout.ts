/**
 * Lays a timeline out as a small SVG tree for a given width: agent names on the left, a bar per
 * agent (segments by state, an end glyph by outcome), offline spans shaded across all rows, marks
 * (first token, drop, resume) as labelled vertical lines, and a time axis. Pure: the renderer only
 * turns the nodes into elements. Data attributes carry the times, for tests and for tooltips.
 */
import { agentLabel } from "./labels";
import type { Bar, Mark, TimelineModel } from "./timeline-model";
import { formatSeconds } from "./timeline-summary";

export interface SvgNode {
  tag: "g" | "rect" | "line" | "text" | "title";
  attrs: Record<string, string | number>;
  text?: string;
  children?: SvgNode[];
}
export interface SvgModel {
  width: number;
  height: number;
  nodes: SvgNode[];
}

/** Row height and bar thickness, px. */
const ROW = 24;
const BAR = 12;
const QUEUED_BAR = 4;
/** Two lanes of mark labels above the rows (first token, answered; drop, resume, paused), and the axis below. */
const TOP = 32;
const AXIS = 24;
/** A tick is at least this far from the next, px. */
const MIN_TICK_GAP = 64;
const TICK_STEPS_MS = [100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000];

/** What ends a bar, and its tooltip. */
const END: Record<Bar["outcome"], { glyph: string; title: string }> = {
  waiting: { glyph: "", title: "" },
  running: { glyph: "", title: "" },
  done: { glyph: "✓", title: "done" },
  failed: { glyph: "✕", title: "failed" },
  stopped: { glyph: "■", title: "stopped when the run ended" },
  not_run: { glyph: "not run", title: "never started" },
};
const MARK_LABEL: Record<Mark["kind"], string> = {
  first_token: "first token",
  drop: "connection lost",
  resume: "resumed",
  paused: "paused for review",
  answered: "answered",
};

const node = (tag: SvgNode["tag"], attrs: SvgNode["attrs"], children?: SvgNode[], text?: string): SvgNode => ({
  tag,
  attrs,
  ...(children ? { children } : {}),
  ...(text !== undefined ? { text } : {}),
});
const title = (text: string) => node("title", {}, undefined, text);
/** Axis labels: whole seconds, or one decimal for sub-second steps. */
const tickLabel = (ms: number) => `${ms % 1000 === 0 ? ms / 1000 : (ms / 1000).toFixed(1)} s`;

/** Rough width of one character of a mark label (11px), px: enough to keep labels on the chart. */
export const LABEL_CHAR_PX = 6.5;

/** A mark's label beside its line, on the preferred side unless it would run off the chart. */
function labelPlace(mx: number, label: string, prefer: "start" | "end", width: number) {
  const room = label.length * LABEL_CHAR_PX + 3;
  const side = prefer === "start" ? (mx + room > width ? "end" : "start") : mx - room < 0 ? "start" : "end";
  return { x: side === "start" ? mx + 3 : mx - 3, anchor: side };
}

export function layoutTimeline(model: TimelineModel, width: number): SvgModel {
  const labelWidth = width < 520 ? 104 : 156;
  const plot = Math.max(40, width - labelWidth - 28);
  const rowsBottom = TOP + model.bars.length * ROW;
  const height = rowsBottom + AXIS;
  const step = TICK_STEPS_MS.find((s) => (s / Math.max(model.durationMs, 1)) * plot >= MIN_TICK_GAP) ?? 600_000;
  const span = Math.max(step, Math.ceil(model.durationMs / step) * step);
  const x = (ms: number) => Math.round((labelWidth + (ms / span) * plot) * 10) / 10;
  const nodes: SvgNode[] = [];

  for (const off of model.offline) {
    const w = Math.max(2, x(off.toMs) - x(off.fromMs));
    const what = off.resumed ? `offline ${formatSeconds(off.toMs - off.fromMs)}` : "offline, reconnecting";
    nodes.push(
      node("rect", { class: "tl-offline", x: x(off.fromMs), y: TOP - 4, width: w, height: rowsBottom - TOP + 4 }, [
        title(what),
      ]),
    );
  }

  model.bars.forEach((bar, i) => {
    const mid = TOP + i * ROW + ROW / 2;
    const children: SvgNode[] = [
      node(
        "text",
        { class: "tl-label", x: labelWidth - 8, y: mid + 4, "text-anchor": "end" },
        undefined,
        agentLabel(bar.agent),
      ),
    ];
    for (const seg of bar.segments) {
      const h = seg.state === "queued" ? QUEUED_BAR : BAR;
      const attrs = {
        class: `tl-seg tl-${seg.state}`,
        x: x(seg.fromMs),
        y: mid - h / 2,
        width: Math.max(1, x(seg.toMs) - x(seg.fromMs)),
        height: h,
        "data-segment": seg.state,
        "data-from-ms": Math.round(seg.fromMs),
        "data-to-ms": Math.round(seg.toMs),
      };
      const duration = formatSeconds(seg.toMs - seg.fromMs);
      children.push(node("rect", attrs, [title(`${agentLabel(bar.agent)}: ${seg.state} ${duration}`)]));
      if (seg.state === "retrying" && attrs.width > 64) {
        children.push(
          node("text", { class: "tl-seg-label", x: attrs.x + 4, y: mid + 4 }, undefined, `retry ${duration}`),
        );
      }
    }
    const end = bar.segments.at(-1)?.toMs ?? 0;
    const { glyph, title: meaning } = END[bar.outcome];
    if (glyph) {
      // "not run" sits above its (full-length) queued line, inside the plot; a glyph follows its bar.
      const place: SvgNode["attrs"] =
        bar.outcome === "not_run" ? { x: x(end) - 2, y: mid - 5, "text-anchor": "end" } : { x: x(end) + 4, y: mid + 4 };
      children.push(node("text", { class: `tl-end tl-end-${bar.outcome}`, ...place }, [title(meaning)], glyph));
    }
    nodes.push(node("g", { class: "tl-row", "data-bar": bar.agent, "data-outcome": bar.outcome }, children));
  });

  for (const mark of model.marks) {
    const mx = x(mark.atMs);
    // An answer's label sits in the upper lane, clear of the next pause's label in the lower one.
    const lane = mark.kind === "first_token" || mark.kind === "answered" ? 11 : 25;
    const label = `${MARK_LABEL[mark.kind]} ${formatSeconds(mark.atMs)}`;
    // A loss or a pause is labelled before its line, a resume or an answer after it, so a pair stays legible.
    const before = mark.kind === "drop" || mark.kind === "paused";
    const place = labelPlace(mx, label, before ? "end" : "start", width);
    nodes.push(
      node(
        "g",
        { class: `tl-mark tl-mark-${mark.kind}`, "data-mark": mark.kind, "data-at-ms": Math.round(mark.atMs) },
        [
          node("line", { x1: mx, x2: mx, y1: lane + 3, y2: rowsBottom }),
          node("text", { x: place.x, y: lane, "text-anchor": place.anchor }, undefined, label),
        ],
      ),
    );
  }

  const ticks: SvgNode[] = [
    node("line", { class: "tl-axis-line", x1: labelWidth, x2: x(span), y1: rowsBottom, y2: rowsBottom }),
  ];
  for (let t = 0; t <= span; t += step) {
    ticks.push(node("line", { x1: x(t), x2: x(t), y1: rowsBottom, y2: rowsBottom + 4 }));
    ticks.push(node("text", { x: x(t), y: rowsBottom + 16, "text-anchor": "middle" }, undefined, tickLabel(t)));
  }
  nodes.push(node("g", { class: "tl-axis" }, ticks));
  return { width, height, nodes };
}
