/**
 * The demo page tells failures as they are, against `wrangler dev` on the openai provider with a
 * scripted fake upstream (the message's `[[fake ...]]` directives choose which agent fails and
 * how): partial, failed, retrying, and a failed Loomi turn. Each state is checked by what it
 * shows and photographed.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ERROR_TYPES } from "../../src/protocol/events";
import { type Browser, launchChromium } from "../helpers/chromium";
import { bodyData, openDemo, waitForRun } from "../helpers/demo-page";
import { fakeDirective, startUpstreamDevServer, type UpstreamDevServer } from "../helpers/upstream-dev-server";
import { logLines, look, panels, progressValue, rawCodesShown, timeline, visibleText } from "./page-state";
import { stateShot } from "./state-shot";

const chromiumPath = inject("chromiumPath");
const RAW_CODES = Object.values(ERROR_TYPES);
const GREEN_BG = "rgb(226, 244, 231)";

async function send(page: Page, message: string, mode: "nova3" | "loomi" = "nova3"): Promise<void> {
  if (mode === "loomi") await page.check('input[name="mode"][value="loomi"]');
  await page.fill("#message", message);
  await page.click("#send");
}

describe.skipIf(!chromiumPath)("demo page failure states (fake upstream)", () => {
  let browser: Browser;
  let server: UpstreamDevServer;
  let baseUrl: string;

  beforeAll(async () => {
    server = await startUpstreamDevServer();
    baseUrl = server.baseUrl;
    browser = await launchChromium(chromiumPath);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("partial: an optional agent failed, the run went on; said in words, in amber, nowhere green", async () => {
    const { page, problems } = await openDemo(browser.context, baseUrl);
    await send(page, `A launch post ${fakeDirective({ scenario: "partial", agent: "insight_agent", status: 401 })}`);
    await waitForRun(page, "partial");
    await page.waitForSelector('#connection[data-state="closed"]');
    expect(await look(page, "#run-status")).toMatchObject({ text: "partial", data: { tone: "warn" } });
    expect((await look(page, "#integrity")).background).not.toBe(GREEN_BG);
    expect((await look(page, "#connection")).text).toBe("Stream ended · run partial");
    const insight = (await panels(page)).find((p) => p.agent === "insight_agent");
    expect(insight).toMatchObject({ status: "failed", badge: "failed" });
    expect(insight?.notes.join(" ")).toMatch(/refused the service's credentials/);
    expect(await rawCodesShown(page, RAW_CODES)).toEqual([]);
    expect((await logLines(page)).at(-1)).toMatchObject({ kind: "warn", text: expect.stringContaining("Run partial") });
    expect((await timeline(page)).bars.find((b) => b.agent === "insight_agent")?.outcome).toBe("failed");
    await stateShot(page, "partial", ["#connection", "#run-overview", "#result", "#agents", "#timeline-section"]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("failed: a required agent failed; red everywhere, readable reasons, no raw codes", async () => {
    const { page, problems } = await openDemo(browser.context, baseUrl);
    await send(page, `A launch post ${fakeDirective({ scenario: "failed", agent: "content_agent", status: 401 })}`);
    await waitForRun(page, "failed");
    await page.waitForSelector('#connection[data-state="closed"]');
    expect(await look(page, "#run-status")).toMatchObject({ text: "failed", data: { tone: "bad" } });
    const integrity = await look(page, "#integrity");
    expect(integrity.background).not.toBe(GREEN_BG);
    expect(await bodyData(page, "integrity")).toBe("verified");
    expect((await look(page, "#connection")).text).toBe("Stream ended · run failed");
    expect(await rawCodesShown(page, RAW_CODES)).toEqual([]);
    expect(await visibleText(page, "#run-errors")).toMatch(/required agent Content agent failed/);
    const last = (await logLines(page)).at(-1);
    expect(last).toMatchObject({ kind: "error", text: expect.stringContaining("Run failed") });
    expect((await panels(page)).find((p) => p.agent === "optimization_agent")?.status).toBe("not_run");
    expect(await progressValue(page)).toBeLessThan(100);
    await stateShot(page, "failed", ["#connection", "#run-overview", "#agents", "#timeline-section"]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("retrying: shows the agent waiting to retry and why, then the retry's cost on the timeline", async () => {
    const { page, problems } = await openDemo(browser.context, baseUrl);
    const limited = fakeDirective({ scenario: "retry", agent: "strategy_generator", status: 429, "retry-after": 4 });
    await send(page, `A launch post ${limited}`);
    await page.waitForSelector('.agent[data-agent="strategy_generator"][data-status="retrying"]', { timeout: 60_000 });
    const strategy = (await panels(page)).find((p) => p.agent === "strategy_generator");
    expect(strategy?.badge).toBe("retrying");
    expect(strategy?.notes.join(" ")).toMatch(/asked us to slow down.*Retrying \(attempt 2\)/);
    expect(await rawCodesShown(page, RAW_CODES)).toEqual([]);
    await stateShot(page, "retrying", ["#connection", "#run-overview", "#agents", "#timeline-section"]);
    await waitForRun(page);
    const bar = (await timeline(page)).bars.find((b) => b.agent === "strategy_generator");
    const retry = bar?.segments.find((s) => s.state === "retrying");
    expect((retry?.toMs ?? 0) - (retry?.fromMs ?? 0)).toBeGreaterThan(3000);
    expect(bar?.outcome).toBe("done");
    await stateShot(page, "retried-timeline", ["#run-overview", "#timeline-section"]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("a failed Loomi turn says so in its reply bubble", async () => {
    const { page, problems } = await openDemo(browser.context, baseUrl);
    await send(page, `Hi Loomi ${fakeDirective({ scenario: "loomi-failed", agent: "loomi", status: 401 })}`, "loomi");
    await waitForRun(page, "failed");
    const bubble = "#turns li.assistant:last-child";
    expect(await page.getAttribute(bubble, "data-state")).toBe("failed");
    expect(await visibleText(page, bubble)).toMatch(/Loomi could not answer.*refused the service's credentials/s);
    expect(await rawCodesShown(page, RAW_CODES)).toEqual([]);
    await stateShot(page, "loomi-failed", ["#conversation", "#run-overview"]);
    expect(problems).toEqual([]);
    await page.close();
  });
});
