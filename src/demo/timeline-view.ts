/**
 * The run timeline on the page: records what the model needs while a run streams (its events,
 * when each arrived, when this client lost and got back its connection), and redraws the SVG from
 * timeline-model + timeline-layout once per frame, on a slow tick while the run goes on (so bars
 * grow through a retry or an outage, when no event arrives), and when the width changes.
 */
import type { RunStream, StreamEvent } from "@edge-stream/client";
import { byId, el, perFrame } from "./dom";
import { layoutTimeline, type SvgNode } from "./timeline-layout";
import { buildTimeline, type ClientReconnect, estimateClockOffset } from "./timeline-model";
import { describeTimeline } from "./timeline-summary";

const SVG_NS = "http://www.w3.org/2000/svg";
/** How often a running timeline is redrawn when no event arrives, ms. */
const TICK_MS = 250;

function toElement(spec: SvgNode): SVGElement {
  const element = document.createElementNS(SVG_NS, spec.tag);
  for (const [name, value] of Object.entries(spec.attrs)) element.setAttribute(name, String(value));
  if (spec.text !== undefined) element.textContent = spec.text;
  for (const child of spec.children ?? []) element.append(toElement(child));
  return element;
}

export class TimelineView {
  #section = byId("timeline-section");
  #svg = byId("timeline") as unknown as SVGSVGElement;
  #summary = byId<HTMLUListElement>("timeline-summary");
  #events: StreamEvent[] = [];
  #arrivals: { serverMs: number; clientMs: number }[] = [];
  #reconnects: ClientReconnect[] = [];
  #tick: ReturnType<typeof setInterval> | undefined;
  #schedule = perFrame(() => this.render());

  constructor() {
    new ResizeObserver(this.#schedule).observe(this.#section);
  }

  /** Clears the timeline and follows `run`. */
  attach(run: RunStream): void {
    this.#events = [];
    this.#arrivals = [];
    this.#reconnects = [];
    clearInterval(this.#tick);
    this.#tick = setInterval(this.#schedule, TICK_MS);
    run.on("event", (event) => {
      this.#events.push(event);
      this.#arrivals.push({ serverMs: Date.parse(event.timestamp), clientMs: Date.now() });
      this.#schedule();
    });
    run.on("reconnecting", () => {
      const last = this.#reconnects.at(-1);
      // Failed attempts while still offline belong to the same outage.
      if (!last || last.resumedAt !== undefined) this.#reconnects.push({ lostAt: Date.now() });
      this.#schedule();
    });
    run.on("connected", ({ attempt }) => {
      const last = this.#reconnects.at(-1);
      if (attempt > 0 && last && last.resumedAt === undefined) last.resumedAt = Date.now();
      this.#schedule();
    });
    run.on("disconnected", () => {
      clearInterval(this.#tick);
      this.render();
    });
    this.render();
  }

  render(): void {
    const model = buildTimeline({
      events: this.#events,
      reconnects: this.#reconnects,
      clockOffsetMs: estimateClockOffset(this.#arrivals),
      nowMs: Date.now(),
    });
    this.#section.hidden = model.bars.length === 0;
    if (this.#section.hidden) return;
    const svg = layoutTimeline(model, Math.max(280, this.#section.clientWidth));
    this.#svg.setAttribute("width", String(svg.width));
    this.#svg.setAttribute("height", String(svg.height));
    this.#svg.setAttribute("viewBox", `0 0 ${svg.width} ${svg.height}`);
    this.#svg.dataset.ended = String(model.ended);
    this.#svg.replaceChildren(...svg.nodes.map(toElement));
    const lines = describeTimeline(model);
    this.#svg.setAttribute("aria-label", `Run timeline. ${lines.join(" ")}`);
    this.#summary.replaceChildren(...lines.map((line) => el("li", {}, line)));
  }
}
