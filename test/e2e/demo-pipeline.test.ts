/**
 * The demo page draws the whole pipeline from `run_start`, before the first token (Nova3 and a
 * Loomi turn with a hand-off), and shows every agent's whole text, however long, at desktop
 * (1280x800) and phone (390x844) widths. Against `wrangler dev` on a scripted fake upstream, whose
 * `[[fake ...]]` directives hold back the first token and make the answers long.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Browser, launchChromium } from "../helpers/chromium";
import { openDemo, waitForRun } from "../helpers/demo-page";
import { fakeDirective, startUpstreamDevServer, type UpstreamDevServer } from "../helpers/upstream-dev-server";
import { panels, progressValue } from "./page-state";
import { stateShot } from "./state-shot";

const chromiumPath = inject("chromiumPath");

const VIEWPORTS = [
  { name: "desktop", width: 1280, height: 800 },
  { name: "phone", width: 390, height: 844 },
];

/** Every place the page hides part of an agent's text or panel, in words (none expected). */
function clipped(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const viewport = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > viewport) {
      found.push(`page scrolls sideways: ${document.documentElement.scrollWidth} > ${viewport}`);
    }
    const card = document.querySelector(".run")?.getBoundingClientRect();
    for (const element of document.querySelectorAll<HTMLElement>(".agent, #timeline")) {
      const box = element.getBoundingClientRect();
      const name = element.dataset.agent ?? element.id;
      if (card && (box.left < card.left - 0.5 || box.right > card.right + 0.5)) {
        found.push(`${name} sticks out of its card: ${box.left}-${box.right} vs ${card.left}-${card.right}`);
      }
    }
    for (const text of document.querySelectorAll<HTMLElement>("[data-agent-text]")) {
      const name = text.dataset.agentText;
      // A scroll box without a visible scrollbar (phones) looks cut off: the whole text must show.
      if (text.scrollHeight > text.clientHeight + 1) {
        found.push(`${name}: ${text.scrollHeight - text.clientHeight}px of text hidden at the bottom`);
      }
      if (text.scrollWidth > text.clientWidth + 1) found.push(`${name}: text hidden at the side`);
      const panel = text.closest(".agent")?.getBoundingClientRect();
      const box = text.getBoundingClientRect();
      if (panel && (box.bottom > panel.bottom + 0.5 || box.right > panel.right + 0.5)) {
        found.push(`${name}: text overflows its panel`);
      }
    }
    return found;
  });
}

async function send(page: Page, message: string, mode: "nova3" | "loomi" = "nova3"): Promise<void> {
  if (mode === "loomi") await page.check('input[name="mode"][value="loomi"]');
  await page.fill("#message", message);
  await page.click("#send");
}

describe.skipIf(!chromiumPath)("demo page pipeline and layout (fake upstream)", () => {
  let browser: Browser;
  let server: UpstreamDevServer;

  beforeAll(async () => {
    server = await startUpstreamDevServer();
    browser = await launchChromium(chromiumPath);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("draws the whole Nova3 pipeline from run_start, before the first token", async () => {
    const { page, problems } = await openDemo(browser.context, server.baseUrl);
    const slow = fakeDirective({ scenario: "plan-nova3", agent: "requirement_analyzer", delay: 3000, tokens: 2 });
    await send(page, `A launch post ${slow}`);
    await page.waitForSelector('.agent[data-agent="requirement_analyzer"][data-status="running"]');
    const shown = await panels(page);
    expect(shown.map((p) => [p.agent, p.status, p.text])).toEqual([
      ["requirement_analyzer", "running", ""],
      ["strategy_generator", "planned", ""],
      ["insight_agent", "planned", ""],
      ["profile_agent", "planned", ""],
      ["content_agent", "planned", ""],
      ["optimization_agent", "planned", ""],
    ]);
    await stateShot(page, "pipeline-before-first-token", ["#run-overview", "#agents"]);
    await waitForRun(page);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("draws Loomi's planned hand-off before the first token, and moves the progress bar during the turn", async () => {
    const { page, problems } = await openDemo(browser.context, server.baseUrl);
    const slow = fakeDirective({ scenario: "plan-loomi", agent: "loomi", delay: 1500, tokens: 3 });
    await send(page, `Please write a blurb for my candles ${slow}`, "loomi");
    await page.waitForSelector('.agent[data-agent="loomi_concierge"][data-status="running"]');
    expect((await panels(page)).map((p) => [p.agent, p.status, p.text])).toEqual([
      ["loomi_concierge", "running", ""],
      ["content_agent", "planned", ""],
    ]);
    expect(await progressValue(page)).toBeGreaterThan(0);
    await stateShot(page, "loomi-before-first-token", ["#conversation", "#run-overview", "#agents"]);
    await waitForRun(page);
    expect(await progressValue(page)).toBe(100);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("shows every agent's whole text, however long, at desktop and phone widths", async () => {
    const { page, problems } = await openDemo(browser.context, server.baseUrl);
    await send(page, `A long launch post ${fakeDirective({ scenario: "long", tokens: 160 })}`);
    await waitForRun(page);
    for (const viewport of VIEWPORTS) {
      await page.setViewportSize({ width: viewport.width, height: viewport.height });
      await page.waitForTimeout(300);
      expect(await clipped(page), viewport.name).toEqual([]);
      await stateShot(page, `layout-${viewport.name}`, ['.agent[data-agent="requirement_analyzer"]']);
    }
    expect(problems).toEqual([]);
    await page.close();
  });
});
