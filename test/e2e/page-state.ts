/**
 * What the demo page shows about a run, read the way a person would see it: badges and their
 * tone, the connection pill, the log in the order it was written, the agent panels, and the
 * timeline's bars and marks.
 */
import type { Page } from "playwright-core";

export interface PanelState {
  agent: string;
  status: string;
  badge: string;
  text: string;
  notes: string[];
}

/** Agent panels in page order. */
export function panels(page: Page): Promise<PanelState[]> {
  return page.$$eval(".agent", (articles) =>
    articles.map((a) => ({
      agent: (a as HTMLElement).dataset.agent ?? "",
      status: (a as HTMLElement).dataset.status ?? "",
      badge: a.querySelector("header .badge")?.textContent ?? "",
      text: a.querySelector("[data-agent-text]")?.textContent ?? "",
      // Rendered text: what a closed <details> holds is not shown, so it must not count.
      // biome-ignore lint/performance/useDomNodeTextContent: the visible text is what is checked
      notes: [...a.querySelectorAll(".notes li")].map((li) => (li as HTMLElement).innerText),
    })),
  );
}

/** The connection log, oldest line first, each with its kind (info, warn, error, ok). */
export function logLines(page: Page): Promise<{ kind: string; text: string }[]> {
  return page.$$eval("#log li", (items) =>
    items.map((li) => ({ kind: li.className.replace(/^log-/, ""), text: li.textContent ?? "" })).reverse(),
  );
}

/** Text, `data-*` attributes and background colour of an element. */
export function look(
  page: Page,
  selector: string,
): Promise<{ text: string; data: Record<string, string>; background: string }> {
  return page.$eval(selector, (e) => ({
    // biome-ignore lint/performance/useDomNodeTextContent: the visible text is what is checked
    text: (e as HTMLElement).innerText,
    data: { ...(e as HTMLElement).dataset } as Record<string, string>,
    background: getComputedStyle(e).backgroundColor,
  }));
}

/** The run-level progress bar's value. */
export function progressValue(page: Page): Promise<number> {
  return page.$eval("#progress", (p) => (p as HTMLProgressElement).value);
}

export interface TimelineBar {
  agent: string;
  outcome: string;
  segments: { state: string; fromMs: number; toMs: number }[];
}

/** The timeline's bars (one per agent, in page order) and its marks on the time axis. */
export async function timeline(page: Page): Promise<{ bars: TimelineBar[]; marks: { kind: string; atMs: number }[] }> {
  return page.$eval("#timeline", (svg) => ({
    bars: [...svg.querySelectorAll("[data-bar]")].map((g) => ({
      agent: g.getAttribute("data-bar") ?? "",
      outcome: g.getAttribute("data-outcome") ?? "",
      segments: [...g.querySelectorAll("[data-segment]")].map((r) => ({
        state: r.getAttribute("data-segment") ?? "",
        fromMs: Number(r.getAttribute("data-from-ms")),
        toMs: Number(r.getAttribute("data-to-ms")),
      })),
    })),
    marks: [...svg.querySelectorAll("[data-mark]")].map((m) => ({
      kind: m.getAttribute("data-mark") ?? "",
      atMs: Number(m.getAttribute("data-at-ms")),
    })),
  }));
}

/** The text a person sees in the first element matching `selector` (not what closed <details> hide). */
export function visibleText(page: Page, selector: string): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: the visible text is what is checked
  return page.locator(selector).first().innerText();
}

/** Raw error codes (`agent_error:` and the like) that the page shows as text, if any. */
export async function rawCodesShown(page: Page, codes: readonly string[]): Promise<string[]> {
  const text = await visibleText(page, "body");
  return codes.filter((code) => text.includes(`${code}:`));
}

/** The "People in the loop" list, oldest first, each line as `<kind>: <text>`. */
export function feed(page: Page): Promise<string[]> {
  return page.$$eval("#interactions li", (items) =>
    items.map((li) => `${(li as HTMLElement).dataset.kind}: ${li.textContent ?? ""}`),
  );
}
