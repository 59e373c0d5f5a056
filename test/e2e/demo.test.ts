/**
 * The demo page in headless Chromium against `wrangler dev`: a Nova3 run streamed to completion,
 * a dropped connection mid-run that still ends with the complete, verified text (over SSE and over
 * the WebSocket transport), and a two-turn Loomi chat. What the page shows is compared with the
 * server's log, read separately from Node.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Browser, launchChromium } from "../helpers/chromium";
import { bodyData, openDemo, screenshot, shownTexts, waitForRun } from "../helpers/demo-page";
import { readSession } from "../helpers/server-view";
import { devToken } from "../helpers/tokens";

const chromiumPath = inject("chromiumPath");
const baseUrl = inject("e2eBaseUrl");
/** The page acts as this user (src/demo/dev-token.ts); the test reads the same user's sessions. */
const USER = "demo";

describe.skipIf(!chromiumPath)("demo page in Chromium", () => {
  let browser: Browser;
  let token: string | undefined;

  beforeAll(async () => {
    browser = await launchChromium(chromiumPath);
    token = await devToken(baseUrl, USER);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("streams a Nova3 run to completion, showing exactly the server's texts", async () => {
    const { page, problems } = await openDemo(browser.context, baseUrl);
    await page.click("#send");
    await page.waitForSelector('#connection[data-state="connected"]');
    await waitForRun(page);
    expect(await bodyData(page, "integrity")).toBe("verified");
    const sessionId = (await page.textContent("#session-id")) ?? "";
    const [run] = await readSession(baseUrl, sessionId, token);
    expect(run.status).toBe("completed");
    expect(Object.keys(run.texts)).toHaveLength(6);
    expect(await shownTexts(page)).toEqual(run.texts);
    expect(await page.textContent("#final-content")).toBe(run.content);
    expect(await page.$eval("#progress", (p) => p.getAttribute("value"))).toBe("100");
    expect(await page.$$eval(".agent header .badge", (b) => b.map((e) => e.textContent))).toEqual(
      Array(6).fill("completed"),
    );
    await page.waitForSelector('#connection[data-state="closed"]');
    await screenshot(page, "nova3-complete");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("resumes after the drop-connection button mid-run and ends with the complete, verified text", async () => {
    const { page, problems } = await openDemo(browser.context, baseUrl);
    await page.click("#send");
    await page.waitForSelector('.agent[data-agent="requirement_analyzer"][data-status="completed"]', {
      timeout: 60_000,
    });
    await page.click("#drop");
    // The log line is written only when a live connection was actually cut before the run ended.
    await page.waitForSelector('#log li:has-text("You dropped the connection")');
    await page.waitForSelector('#connection[data-state="reconnecting"]');
    await page.waitForSelector('#log li:has-text("Reconnected")', { timeout: 30_000 });
    await waitForRun(page);
    expect(Number(await bodyData(page, "reconnects"))).toBeGreaterThanOrEqual(1);
    expect(await bodyData(page, "integrity")).toBe("verified");
    const sessionId = (await page.textContent("#session-id")) ?? "";
    const [run] = await readSession(baseUrl, sessionId, token);
    expect(await shownTexts(page)).toEqual(run.texts);
    expect(await page.textContent("#final-content")).toBe(run.content);
    await screenshot(page, "nova3-after-drop");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("streams over the WebSocket transport, resumes after a dropped socket, and ends verified", async () => {
    const { page, problems } = await openDemo(browser.context, baseUrl);
    await page.selectOption("#transport", "websocket");
    await page.click("#send");
    await page.waitForSelector('#log li:has-text("Connected (websocket)")');
    await page.waitForSelector('.agent[data-agent="requirement_analyzer"][data-status="completed"]', {
      timeout: 60_000,
    });
    await page.click("#drop");
    await page.waitForSelector('#log li:has-text("You dropped the connection")');
    await page.waitForSelector('#log li:has-text("Reconnected (websocket)")', { timeout: 30_000 });
    await waitForRun(page);
    expect(await bodyData(page, "integrity")).toBe("verified");
    const sessionId = (await page.textContent("#session-id")) ?? "";
    const [run] = await readSession(baseUrl, sessionId, token);
    expect(run.status).toBe("completed");
    expect(await shownTexts(page)).toEqual(run.texts);
    expect(await page.textContent("#final-content")).toBe(run.content);
    await screenshot(page, "nova3-websocket");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("holds a two-turn Loomi chat in one session", async () => {
    const { page, problems } = await openDemo(browser.context, baseUrl);
    await page.check('input[name="mode"][value="loomi"]');
    await page.fill("#message", "Hi Loomi! I run a small shop that sells handmade candles.");
    await page.click("#send");
    await page.waitForSelector('#turns li.assistant[data-state="done"]', { timeout: 60_000 });
    const firstSession = await page.textContent("#session-id");
    await page.fill("#message", "Great, now write a short blurb for my lavender candle.");
    await page.click("#send");
    await page.waitForSelector('#turns li.assistant:nth-of-type(4)[data-state="done"]', { timeout: 60_000 });
    await waitForRun(page);
    expect(await bodyData(page, "integrity")).toBe("verified");
    expect(await page.textContent("#session-id")).toBe(firstSession);
    const runs = await readSession(baseUrl, firstSession ?? "", token);
    expect(runs.map((r) => r.status)).toEqual(["completed", "completed"]);
    expect(await page.$$eval("#turns li.user p:last-child", (p) => p.map((e) => e.textContent))).toEqual([
      "Hi Loomi! I run a small shop that sells handmade candles.",
      "Great, now write a short blurb for my lavender candle.",
    ]);
    // Each reply bubble shows its turn's texts: Loomi's reply, then the specialist's after a handoff.
    const bubbles = await page.$$eval("#turns li.assistant .reply", (replies) =>
      replies.map((r) => [...r.querySelectorAll(":scope > p, .handoff > p:last-child")].map((p) => p.textContent)),
    );
    expect(bubbles).toEqual(runs.map((run) => Object.values(run.texts)));
    expect(bubbles[1]).toHaveLength(2);
    expect(await shownTexts(page)).toEqual(runs[1].texts);
    await screenshot(page, "loomi-two-turns");
    expect(problems).toEqual([]);
    await page.close();
  });
});
