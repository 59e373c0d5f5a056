/**
 * Screenshots of a page state cut down to the parts it is about. A live page keeps changing while
 * a screenshot is taken (a slow machine takes seconds), so the page's DOM is first copied in one
 * step and shown, scripts removed, in a page of its own: every part is cut from that one frozen
 * moment, then the parts are stacked in order on one small sheet drawn by the browser itself (no
 * image library needed). Kept in test-results/e2e/states/ for a person to look at; docs/client.md
 * shows copies of them.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { SCREENSHOT_DIR } from "../helpers/demo-page";

export const STATE_SHOT_DIR = join(SCREENSHOT_DIR, "states");

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Shows the page as it is now, frozen (no scripts), in a new page of the same size. */
async function freeze(page: Page): Promise<Page> {
  const now = await page.evaluate(() => ({ html: document.documentElement.outerHTML, base: location.href }));
  const frozen = await page.context().newPage();
  const viewport = page.viewportSize();
  if (viewport) await frozen.setViewportSize(viewport);
  const html = now.html
    .replace(/<script\b[\s\S]*?<\/script>/gi, "")
    .replace("<head>", `<head><base href="${now.base}">`);
  await frozen.setContent(`<!doctype html>${html}`, { waitUntil: "load" });
  return frozen;
}

/** Cuts the elements matched by `parts` (first match of each; hidden ones skipped) out of one moment, stacked, as `<name>.png`. */
export async function stateShot(page: Page, name: string, parts: string[]): Promise<string> {
  const frozen = await freeze(page);
  try {
    const { boxes, background } = await frozen.evaluate((selectors) => {
      const found = selectors.map((selector) => {
        const box = document.querySelector(selector)?.getBoundingClientRect();
        if (!box || box.width === 0 || box.height === 0) return undefined;
        return { x: box.left + window.scrollX, y: box.top + window.scrollY, width: box.width, height: box.height };
      });
      return { boxes: found, background: getComputedStyle(document.body).backgroundColor };
    }, parts);
    const cuts = boxes.filter((box): box is Box => box !== undefined);
    if (cuts.length === 0) throw new Error(`state shot ${name}: none of ${parts.join(", ")} is visible`);
    const capture = (await frozen.screenshot({ fullPage: true, animations: "disabled" })).toString("base64");
    const pieces = cuts
      .map(
        (c) =>
          `<div class="cut" style="width:${Math.ceil(c.width)}px;height:${Math.ceil(c.height)}px;background-position:${-Math.floor(c.x)}px ${-Math.floor(c.y)}px"></div>`,
      )
      .join("");
    await frozen.setContent(
      `<style>body{margin:0}#sheet{display:inline-flex;flex-direction:column;align-items:flex-start;gap:6px;padding:6px;background:${background}}.cut{background-image:url(data:image/png;base64,${capture});background-repeat:no-repeat}</style><div id="sheet">${pieces}</div>`,
    );
    await frozen.evaluate(async () => {
      const image = new Image();
      image.src = getComputedStyle(document.querySelector(".cut") as Element).backgroundImage.slice(5, -2);
      await image.decode();
    });
    mkdirSync(STATE_SHOT_DIR, { recursive: true });
    const path = join(STATE_SHOT_DIR, `${name}.png`);
    await frozen.locator("#sheet").screenshot({ path });
    return path;
  } finally {
    await frozen.close();
  }
}
