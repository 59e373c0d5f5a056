/**
 * The AI SDK demo page (/ai.html: the `ai` package's Chat machinery with DefaultChatTransport,
 * created with resume) in headless Chromium against `wrangler dev`: a Nova3 run reloaded mid-run
 * shows the same message continuing to completion, each agent's text exactly the server's, nothing
 * repeated. What the page shows is compared with the server's log, read separately from Node.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Browser, launchChromium } from "../helpers/chromium";
import { RUN_TIMEOUT_MS, screenshot, shownTexts } from "../helpers/demo-page";
import { readSession } from "../helpers/server-view";
import { devToken } from "../helpers/tokens";

const chromiumPath = inject("chromiumPath");
const baseUrl = inject("e2eBaseUrl");
/** The page acts as the demo user (src/demo/dev-token.ts); the test reads the same user's sessions. */
const USER = "demo";

async function openAiPage(browser: Browser): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} ${new URL(response.url()).pathname}`);
  });
  await page.goto(`${baseUrl}/ai.html`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  return { page, problems };
}

describe.skipIf(!chromiumPath)("AI SDK page in Chromium", () => {
  let browser: Browser;
  let token: string | undefined;

  beforeAll(async () => {
    browser = await launchChromium(chromiumPath);
    token = await devToken(baseUrl, USER);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("reloaded mid-run, shows the same message carrying on to completion, with no text repeated", async () => {
    const { page, problems } = await openAiPage(browser);
    await page.click("#new-chat");
    const chatId = await page.textContent("#chat-id");
    await page.click("#send");
    await page.waitForSelector('.agent[data-agent="requirement_analyzer"][data-status="complete"]', {
      timeout: 60_000,
    });
    const messageId = await page.getAttribute("li.assistant", "data-message-id");
    const before = await shownTexts(page);
    expect(await page.getAttribute("body", "data-run-status")).toBe("running");

    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.textContent("#chat-id")).toBe(chatId);
    // Resumed: the same message, still running, each agent's text going on from where it was.
    await page.waitForSelector('body[data-chat-status="streaming"]', { timeout: 30_000 });
    expect(await page.getAttribute("li.assistant", "data-message-id")).toBe(messageId);
    const resumed = await shownTexts(page);
    for (const [agent, text] of Object.entries(before)) expect(resumed[agent]?.startsWith(text)).toBe(true);

    await page.waitForSelector('body[data-run-status="completed"]', { timeout: RUN_TIMEOUT_MS });
    expect(await page.$$eval("#messages > li", (items) => items.map((li) => li.className))).toEqual([
      "user",
      "assistant",
    ]);
    const sessionId = (await page.textContent("#session-id")) ?? "";
    const [run] = await readSession(baseUrl, sessionId, token);
    expect(run.status).toBe("completed");
    expect(run.runId).toBe(messageId);
    expect(await shownTexts(page)).toEqual(run.texts);
    expect(await page.$$eval(".agent", (panels) => panels.map((p) => (p as HTMLElement).dataset.status))).toEqual(
      Array(6).fill("complete"),
    );
    await screenshot(page, "ai-sdk-after-reload");
    expect(problems).toEqual([]);
    await page.close();
  });
});
