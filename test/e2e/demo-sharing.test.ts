/**
 * Two users of one session on the demo page, each in their own Chromium profile (issue 13, "Done
 * when"): the owner starts a run and adds the second user as a member from the page; the second
 * browser opens the member link (`?session=<id>&user=<name>`, its own dev token), follows the same
 * run live, and each page lists the other as watching. A share link opens it the same way, without
 * an account, over the WebSocket transport.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Browser, launchChromium } from "../helpers/chromium";
import { bodyData, openDemo, screenshot, shownTexts, waitForRun } from "../helpers/demo-page";

const chromiumPath = inject("chromiumPath");
const baseUrl = inject("e2eBaseUrl");
/** The owner's page acts as the demo page's user (src/demo/dev-token.ts). */
const OWNER = "demo";

describe.skipIf(!chromiumPath)("a shared session in two browsers", () => {
  let owner: Browser;
  let guest: Browser;

  beforeAll(async () => {
    [owner, guest] = await Promise.all([launchChromium(chromiumPath), launchChromium(chromiumPath)]);
  });

  afterAll(async () => {
    await Promise.all([owner?.close(), guest?.close()]);
  });

  for (const via of ["member", "share"] as const) {
    it(`the ${via === "member" ? "member" : "share link"} follows the owner's run live and both see each other watching`, async () => {
      const mine = await openDemo(owner.context, baseUrl);
      await mine.page.click("#send");
      await mine.page.waitForSelector("#sharing:not([hidden])");
      const member = `guest-${crypto.randomUUID().slice(0, 6)}`;
      if (via === "member") {
        await mine.page.fill("#member-user", member);
        await mine.page.selectOption("#member-role", "viewer");
        await mine.page.click("#add-member");
      } else await mine.page.click("#create-share");
      const link = await mine.page.getAttribute(`a[data-link="${via}"]`, "href", { timeout: 10_000 });
      expect(link).toContain("session=");

      const theirs = await guest.context.newPage();
      const problems: string[] = [];
      theirs.on("pageerror", (error) => problems.push(error.message));
      await theirs.goto(link ?? "");
      await theirs.waitForSelector('#connection[data-state="connected"]', { timeout: 30_000 });
      // Live: the second browser joined while the owner's run still streams.
      expect(await bodyData(mine.page, "run-status")).toBe("running");
      const watcher = via === "member" ? member : "share:";
      await mine.page.waitForSelector(`#presence li[data-watcher^="${watcher}"]`, { timeout: 10_000 });
      await theirs.waitForSelector(`#presence li[data-watcher="${OWNER}"]`, { timeout: 10_000 });
      expect(await theirs.textContent("#role")).toBe("viewer");

      await Promise.all([waitForRun(mine.page), waitForRun(theirs)]);
      expect(await bodyData(theirs, "integrity")).toBe("verified");
      expect(await shownTexts(theirs)).toEqual(await shownTexts(mine.page));
      expect(await theirs.textContent("#final-content")).toBe(await mine.page.textContent("#final-content"));
      expect(await theirs.isHidden("#chat-form")).toBe(true);
      await screenshot(theirs, `shared-${via}-guest`);
      await screenshot(mine.page, `shared-${via}-owner`);
      expect(problems).toEqual([]);
      expect(mine.problems).toEqual([]);
      await Promise.all([mine.page.close(), theirs.close()]);
    });
  }
});
