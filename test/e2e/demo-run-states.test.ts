/**
 * The demo page tells what happened, on the demo model under `wrangler dev`: a run while it
 * streams (the whole pipeline drawn from `run_start`), completed, cancelled, and reconnecting
 * after a dropped connection; each state is checked by what it shows (text, badge tone, data
 * attributes, the timeline) and photographed. Failure states, which need a failing upstream, are
 * in demo-failure-states.test.ts.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Browser, launchChromium } from "../helpers/chromium";
import { bodyData, openDemo, waitForRun } from "../helpers/demo-page";
import { logLines, look, panels, progressValue, timeline } from "./page-state";
import { stateShot } from "./state-shot";

const chromiumPath = inject("chromiumPath");
const baseUrl = inject("e2eBaseUrl");

/** Nova3's agents in the order its plan (and `run_start`) lists them. */
const NOVA3_PLAN = [
  "requirement_analyzer",
  "strategy_generator",
  "insight_agent",
  "profile_agent",
  "content_agent",
  "optimization_agent",
];
/** The page's tones, as its badges carry them in `data-tone`. */
const GREEN_BG = "rgb(226, 244, 231)";

function overlapMs(a: { fromMs: number; toMs: number }, b: { fromMs: number; toMs: number }): number {
  return Math.min(a.toMs, b.toMs) - Math.max(a.fromMs, b.fromMs);
}

/** Sends the sample Nova3 message and waits until some agent is streaming (a fast one may be done before a look). */
async function startNova3(page: Page): Promise<void> {
  await page.click("#send");
  await page.waitForSelector('body[data-run-status="running"] .agent[data-status="running"]', { timeout: 60_000 });
}

describe.skipIf(!chromiumPath)("demo page states on the demo model", () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium(chromiumPath);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("running: draws every planned agent from run_start, greyed until it starts, and moves the progress bar", async () => {
    const { page, problems } = await openDemo(browser.context, baseUrl);
    await startNova3(page);
    const shown = await panels(page);
    expect(shown.map((p) => p.agent)).toEqual(NOVA3_PLAN);
    expect(shown.find((p) => p.agent === "optimization_agent")).toMatchObject({ status: "planned", badge: "waiting" });
    expect(await look(page, "#run-status")).toMatchObject({ text: "running", data: { tone: "running" } });
    expect(await progressValue(page)).toBeGreaterThan(0);
    await stateShot(page, "running", ["#connection", "#run-overview", "#agents", "#timeline-section"]);
    await waitForRun(page);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("completed: green status, the verified badge, and a timeline with the parallel agents and first token", async () => {
    const { page, problems } = await openDemo(browser.context, baseUrl);
    await startNova3(page);
    await waitForRun(page);
    await page.waitForSelector('#connection[data-state="closed"]');
    expect(await look(page, "#run-status")).toMatchObject({ text: "completed", data: { tone: "ok" } });
    expect(await look(page, "#integrity")).toMatchObject({ data: { tone: "ok" }, background: GREEN_BG });
    expect((await look(page, "#connection")).text).toBe("Stream ended · run completed");
    expect((await logLines(page)).at(-1)).toMatchObject({ kind: "ok", text: expect.stringContaining("Run completed") });
    expect(await progressValue(page)).toBe(100);
    const { bars, marks } = await timeline(page);
    expect(bars.map((b) => [b.agent, b.outcome])).toEqual(NOVA3_PLAN.map((name) => [name, "done"]));
    const streaming = (agent: string) =>
      bars.find((b) => b.agent === agent)?.segments.find((s) => s.state === "streaming");
    const insight = streaming("insight_agent");
    const profile = streaming("profile_agent");
    if (!insight || !profile) throw new Error("no streaming segment for the parallel agents");
    expect(overlapMs(insight, profile)).toBeGreaterThan(0);
    expect(marks.map((m) => m.kind)).toEqual(["first_token"]);
    await stateShot(page, "completed", ["#connection", "#run-overview", "#timeline-section"]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("cancelled: says cancelled everywhere, and logs the cancel request before the run's end", async () => {
    const { page, problems } = await openDemo(browser.context, baseUrl);
    await startNova3(page);
    await page.waitForSelector('.agent[data-agent="requirement_analyzer"][data-status="completed"]', {
      timeout: 60_000,
    });
    await page.click("#cancel");
    await waitForRun(page, "cancelled");
    await page.waitForSelector('#connection[data-state="closed"]');
    expect(await look(page, "#run-status")).toMatchObject({ text: "cancelled", data: { tone: "warn" } });
    expect((await look(page, "#integrity")).background).not.toBe(GREEN_BG);
    expect((await look(page, "#connection")).text).toBe("Stream ended · run cancelled");
    const lines = await logLines(page);
    const requested = lines.findIndex((l) => l.text.includes("Cancel requested"));
    const ended = lines.findIndex((l) => l.text.includes("Run cancelled"));
    expect(requested).toBeGreaterThanOrEqual(0);
    expect(ended).toBeGreaterThan(requested);
    expect(lines[ended].kind).toBe("warn");
    const shown = await panels(page);
    expect(shown.find((p) => p.agent === "optimization_agent")).toMatchObject({ status: "not_run", badge: "not run" });
    expect((await timeline(page)).bars.find((b) => b.agent === "optimization_agent")?.outcome).toBe("not_run");
    await stateShot(page, "cancelled", ["#connection", "#run-overview", "#agents", "#timeline-section"]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("reconnecting: shows the dropped connection while it is down, then marks the drop and resume on the timeline", async () => {
    const { page, problems } = await openDemo(browser.context, baseUrl);
    // Hold every resume request until the reconnecting state is checked and photographed.
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route("**/sessions/*/events*", async (route) => {
      await held;
      await route.continue();
    });
    await startNova3(page);
    await page.waitForSelector('.agent[data-agent="requirement_analyzer"][data-status="completed"]', {
      timeout: 60_000,
    });
    await page.click("#drop");
    await page.waitForSelector('#connection[data-state="reconnecting"]');
    expect((await look(page, "#connection")).text).toMatch(/^Reconnecting/);
    expect(await bodyData(page, "reconnects")).toBe("1");
    await stateShot(page, "reconnecting", ["#connection", "#run-overview", "#timeline-section"]);
    release();
    await waitForRun(page);
    expect(await bodyData(page, "integrity")).toBe("verified");
    const { marks } = await timeline(page);
    const kinds = marks.map((m) => m.kind);
    expect(kinds).toContain("drop");
    expect(kinds).toContain("resume");
    const drop = marks.find((m) => m.kind === "drop");
    const resume = marks.find((m) => m.kind === "resume");
    expect(resume?.atMs).toBeGreaterThan(drop?.atMs ?? Number.POSITIVE_INFINITY);
    await stateShot(page, "resumed", ["#connection", "#run-overview", "#timeline-section"]);
    expect(problems).toEqual([]);
    await page.close();
  });
});
