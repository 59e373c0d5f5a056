/**
 * People in the loop on the demo page, in Chromium against `wrangler dev` (demo model): a run with
 * a review checkpoint pauses and shows the review card; a steering message sent while it waits is
 * logged; Revise runs the agent again and pauses again; Edit replaces its output, which the page
 * and the server then show; the run completes.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Browser, launchChromium } from "../helpers/chromium";
import { openDemo, RUN_TIMEOUT_MS, shownTexts, waitForRun } from "../helpers/demo-page";
import { readSession } from "../helpers/server-view";
import { devToken } from "../helpers/tokens";
import { feed } from "./page-state";
import { stateShot } from "./state-shot";

const chromiumPath = inject("chromiumPath");
const baseUrl = inject("e2eBaseUrl");

describe.skipIf(!chromiumPath)("demo page: review checkpoints and steering", () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium(chromiumPath);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("pauses for review, takes a steering message, a revision and an edit, and completes", async () => {
    const { page, problems } = await openDemo(browser.context, baseUrl);
    await page.check('input[name="option-review"][value="strategy_generator"]');
    await page.fill("#message", "A launch post for a reading app");
    await page.click("#send");

    await page.waitForSelector("#review:not([hidden])", { timeout: RUN_TIMEOUT_MS });
    expect(await page.textContent("#review-agent")).toBe("strategy_generator");
    await page.waitForSelector('body[data-run-status="awaiting_input"]');
    await stateShot(page, "review-paused", ["#review", "#run-overview"]);

    await page.fill("#steer-text", "Mention the spring discount");
    await page.click("#steer-send");
    await page.waitForSelector('#interactions li[data-kind="message"][data-actor="demo"]');

    await page.fill("#review-feedback", "Shorter, for students");
    await page.click("#review-revise");
    await page.waitForSelector("#review-attempt:text('attempt 2')", { timeout: RUN_TIMEOUT_MS });
    const edited = "EDITED: one post a day, each ending with a question.";
    await page.fill("#review-text", edited);
    await page.click("#review-edit");
    await waitForRun(page);
    expect(await page.isHidden("#review")).toBe(true);
    expect((await shownTexts(page)).strategy_generator).toBe(edited);
    expect(await feed(page)).toEqual([
      "pause: Paused: strategy_generator waits for a review",
      'message: demo told the run: "Mention the spring discount"',
      'answer: strategy_generator: revision asked ("Shorter, for students") by demo',
      "goes_on: The run goes on: strategy_generator runs again (attempt 2)",
      "pause: Paused: strategy_generator (attempt 2) waits for a review",
      "answer: strategy_generator: edited (its output replaced) by demo",
      expect.stringMatching(/^goes_on: The run goes on: \w+ starts$/),
      "ended: The run ended: completed",
    ]);

    const sessionId = (await page.textContent("#session-id")) ?? "";
    const [run] = await readSession(baseUrl, sessionId, await devToken(baseUrl, "demo"));
    expect(run.status).toBe("completed");
    expect(run.texts.strategy_generator).toBe(edited);
    expect(problems).toEqual([]);
    await page.close();
  });
});
