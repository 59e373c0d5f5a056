/**
 * Issue 13's "Done when", in two Chromium profiles as two users of one session: the owner starts a
 * Nova3 run with a review checkpoint on strategy_generator and adds the second user as an editor;
 * the second browser opens the member link and follows the same run live; the editor steers it and
 * answers its review from their page, and the owner's page shows the pause, each answer with the
 * editor as actor, the message, the run going on and completing, verified. The other way round: the
 * owner answers, and a share-link guest (a viewer) sees the pause with greyed-out controls that say
 * why, and the answer.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Browser, launchChromium } from "../helpers/chromium";
import { type DemoPage, openDemo, RUN_TIMEOUT_MS, screenshot, shownTexts, waitForRun } from "../helpers/demo-page";
import { feed, timeline } from "./page-state";

const chromiumPath = inject("chromiumPath");
const baseUrl = inject("e2eBaseUrl");
/** The owner's page acts as the demo page's user (src/demo/dev-token.ts). */
const OWNER = "demo";

/** Starts a Nova3 run with a review on strategy_generator from the owner's page; returns the link `via` makes. */
async function startShared(mine: DemoPage, via: "member" | "share", member?: string): Promise<string> {
  const { page } = mine;
  await page.check('input[name="option-review"][value="strategy_generator"]');
  await page.fill("#message", "A launch post for a reading app");
  await page.click("#send");
  await page.waitForSelector("#sharing:not([hidden])");
  if (via === "member") {
    await page.fill("#member-user", member ?? "");
    await page.selectOption("#member-role", "editor");
    await page.click("#add-member");
  } else await page.click("#create-share");
  return (await page.getAttribute(`a[data-link="${via}"]`, "href", { timeout: 10_000 })) ?? "";
}

/** Opens `link` in the second browser and waits until it follows the run. */
async function openLink(browser: Browser, link: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(error.message));
  await page.goto(link);
  await page.waitForSelector('#connection[data-state="connected"]', { timeout: 30_000 });
  return { page, problems };
}

/** Waits until the page's "People in the loop" list has a line of `kind` (by `actor`, if given) containing `text`. */
async function waitForLine(page: Page, kind: string, text: string, actor?: string): Promise<void> {
  const selector = `#interactions li[data-kind="${kind}"]${actor ? `[data-actor="${actor}"]` : ""}`;
  await page.waitForSelector(`${selector}:has-text(${JSON.stringify(text)})`, { timeout: RUN_TIMEOUT_MS });
}

describe.skipIf(!chromiumPath)("review and steering in a shared session, two browsers", () => {
  let owner: Browser;
  let guest: Browser;

  beforeAll(async () => {
    [owner, guest] = await Promise.all([launchChromium(chromiumPath), launchChromium(chromiumPath)]);
  });

  afterAll(async () => {
    await Promise.all([owner?.close(), guest?.close()]);
  });

  it("an editor steers and answers the review from their page; the owner's page shows it all", async () => {
    const mine = await openDemo(owner.context, baseUrl);
    const editor = `editor-${crypto.randomUUID().slice(0, 6)}`;
    const link = await startShared(mine, "member", editor);
    const theirs = await openLink(guest, link);
    expect(await theirs.page.textContent("#role")).toBe("editor");
    // Membership stays the owner's: an editor's page offers no member form and no share link.
    expect(await theirs.page.isHidden("#member-form")).toBe(true);

    // Both pages see the pause, live, and the editor's controls work.
    for (const page of [mine.page, theirs.page]) {
      await page.waitForSelector("#review:not([hidden])", { timeout: RUN_TIMEOUT_MS });
      expect(await page.getAttribute("body", "data-run-status")).toBe("awaiting_input");
      await waitForLine(page, "pause", "Paused: strategy_generator waits for a review");
    }
    expect(await theirs.page.isHidden("#review-why")).toBe(true);
    expect(await theirs.page.isEnabled("#review-approve")).toBe(true);
    await theirs.page.waitForSelector("#steer-send:enabled");

    await theirs.page.fill("#steer-text", "Mention the spring discount");
    await theirs.page.click("#steer-send");
    await waitForLine(mine.page, "message", `${editor} told the run: "Mention the spring discount"`, editor);

    await theirs.page.fill("#review-feedback", "Shorter, for students");
    await theirs.page.click("#review-revise");
    await waitForLine(mine.page, "answer", `revision asked ("Shorter, for students") by ${editor}`, editor);
    await waitForLine(mine.page, "goes_on", "strategy_generator runs again (attempt 2)");
    await theirs.page.waitForSelector("#review-attempt:text('attempt 2')", { timeout: RUN_TIMEOUT_MS });
    await mine.page.waitForSelector("#review-attempt:text('attempt 2')", { timeout: RUN_TIMEOUT_MS });

    const edited = `EDITED by ${editor}: one post a day, each ending with a question.`;
    await theirs.page.fill("#review-text", edited);
    await theirs.page.click("#review-edit");
    await Promise.all([waitForRun(mine.page), waitForRun(theirs.page)]);

    const lines = await feed(mine.page);
    expect(lines).toEqual([
      "pause: Paused: strategy_generator waits for a review",
      `message: ${editor} told the run: "Mention the spring discount"`,
      `answer: strategy_generator: revision asked ("Shorter, for students") by ${editor}`,
      "goes_on: The run goes on: strategy_generator runs again (attempt 2)",
      "pause: Paused: strategy_generator (attempt 2) waits for a review",
      `answer: strategy_generator: edited (its output replaced) by ${editor}`,
      expect.stringMatching(/^goes_on: The run goes on: \w+ starts$/),
      "ended: The run ended: completed",
    ]);
    expect(await feed(theirs.page)).toEqual(lines);
    // The effects: the edit is what both pages show for strategy_generator; the agents that started
    // after the message read it (the demo model quotes it), the one that ran before did not.
    const texts = await shownTexts(mine.page);
    expect(texts.strategy_generator).toBe(edited);
    expect(texts.requirement_analyzer).not.toContain("spring discount");
    for (const agent of ["insight_agent", "profile_agent", "content_agent", "optimization_agent"])
      expect(texts[agent]).toContain('The user added: Mention the spring discount"');
    expect(await shownTexts(theirs.page)).toEqual(await shownTexts(mine.page));
    for (const page of [mine.page, theirs.page]) {
      expect(await page.getAttribute("body", "data-integrity")).toBe("verified");
      expect(await page.isHidden("#review")).toBe(true);
      // The timeline marks both pauses and both answers, and says how long each wait was.
      const kinds = (await timeline(page)).marks.map((m) => m.kind).filter((k) => k === "paused" || k === "answered");
      expect(kinds).toEqual(["paused", "answered", "paused", "answered"]);
      expect(await page.textContent("#timeline-summary")).toMatch(/paused for a review at [\d.]+ s; answered/);
    }
    await screenshot(mine.page, "shared-review-owner");
    await screenshot(theirs.page, "shared-review-editor");
    expect(theirs.problems).toEqual([]);
    expect(mine.problems).toEqual([]);
    await Promise.all([mine.page.close(), theirs.page.close()]);
  });

  it("the owner answers; a share-link guest sees the pause, greyed-out controls that say why, and the answer", async () => {
    const mine = await openDemo(owner.context, baseUrl);
    const link = await startShared(mine, "share");
    const theirs = await openLink(guest, link);
    expect(await theirs.page.textContent("#role")).toBe("viewer");

    await theirs.page.waitForSelector("#review:not([hidden])", { timeout: RUN_TIMEOUT_MS });
    await waitForLine(theirs.page, "pause", "Paused: strategy_generator waits for a review");
    expect(await theirs.page.textContent("#review-agent")).toBe("strategy_generator");
    for (const id of ["review-approve", "review-revise", "review-edit", "steer-send"])
      expect(await theirs.page.isDisabled(`#${id}`)).toBe(true);
    expect(await theirs.page.textContent("#review-why")).toContain("needs the editor role; you are a viewer");
    expect(await theirs.page.textContent("#steer-why")).toContain("needs the editor role; you are a viewer");

    await mine.page.waitForSelector("#review-approve:enabled", { timeout: RUN_TIMEOUT_MS });
    await mine.page.click("#review-approve");
    await waitForLine(theirs.page, "answer", `strategy_generator: approved by ${OWNER}`, OWNER);
    await Promise.all([waitForRun(mine.page), waitForRun(theirs.page)]);
    await waitForLine(theirs.page, "ended", "The run ended: completed");
    expect(await feed(theirs.page)).toEqual(await feed(mine.page));
    expect(await theirs.page.isHidden("#review")).toBe(true);
    expect(await theirs.page.getAttribute("body", "data-integrity")).toBe("verified");
    expect(await shownTexts(theirs.page)).toEqual(await shownTexts(mine.page));
    await screenshot(theirs.page, "shared-review-viewer");
    expect(theirs.problems).toEqual([]);
    expect(mine.problems).toEqual([]);
    await Promise.all([mine.page.close(), theirs.page.close()]);
  });
});
