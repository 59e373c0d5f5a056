/**
 * Screenshots of a page state cut down to the parts it is about: the page is captured once (one
 * moment, so the parts agree with each other), each part (an element) is cut out of that capture,
 * and the parts are stacked in order on one small sheet, drawn by the browser itself (no image
 * library needed). Kept in test-results/e2e/states/ for a person to look at; docs/client.md shows
 * copies of them.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { SCREENSHOT_DIR } from "./demo-page";

export const STATE_SHOT_DIR = join(SCREENSHOT_DIR, "states");

/** Cuts the elements matched by `parts` (first match of each; hidden ones skipped) out of one capture, stacked, as `<name>.png`. */
/** Captures of a live page whose parts moved while it was being captured are taken again, up to this many times. */
const CAPTURE_ATTEMPTS = 5;

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Where each part is now (page coordinates; undefined when hidden), and the page's background. */
function measure(page: Page, parts: string[]): Promise<{ boxes: (Box | undefined)[]; background: string }> {
  return page.evaluate((selectors) => {
    const boxes = selectors.map((selector) => {
      const box = document.querySelector(selector)?.getBoundingClientRect();
      if (!box || box.width === 0 || box.height === 0) return undefined;
      return { x: box.left + window.scrollX, y: box.top + window.scrollY, width: box.width, height: box.height };
    });
    return { boxes, background: getComputedStyle(document.body).backgroundColor };
  }, parts);
}

/** Cuts the elements matched by `parts` (first match of each; hidden ones skipped) out of one capture, stacked, as `<name>.png`. */
export async function stateShot(page: Page, name: string, parts: string[]): Promise<string> {
  let before = await measure(page, parts);
  let capture = "";
  // A streaming page moves under the capture: keep one taken while nothing moved, so no part is cut.
  for (let attempt = 0; attempt < CAPTURE_ATTEMPTS; attempt++) {
    capture = (await page.screenshot({ fullPage: true })).toString("base64");
    const after = await measure(page, parts);
    const moved = JSON.stringify(after.boxes) !== JSON.stringify(before.boxes);
    before = after;
    if (!moved) break;
  }
  const cuts = before.boxes.filter((box): box is Box => box !== undefined);
  if (cuts.length === 0) throw new Error(`state shot ${name}: none of ${parts.join(", ")} is visible`);
  const pieces = cuts
    .map(
      (c) =>
        `<div class="cut" style="width:${Math.ceil(c.width)}px;height:${Math.ceil(c.height)}px;background-position:${-Math.floor(c.x)}px ${-Math.floor(c.y)}px"></div>`,
    )
    .join("");
  const sheet = await page.context().newPage();
  try {
    await sheet.setContent(
      `<style>body{margin:0}#sheet{display:inline-flex;flex-direction:column;align-items:flex-start;gap:6px;padding:6px;background:${before.background}}.cut{background-image:url(data:image/png;base64,${capture});background-repeat:no-repeat}</style><div id="sheet">${pieces}</div>`,
    );
    await sheet.evaluate(async () => {
      const image = new Image();
      image.src = getComputedStyle(document.querySelector(".cut") as Element).backgroundImage.slice(5, -2);
      await image.decode();
    });
    mkdirSync(STATE_SHOT_DIR, { recursive: true });
    const path = join(STATE_SHOT_DIR, `${name}.png`);
    await sheet.locator("#sheet").screenshot({ path });
    return path;
  } finally {
    await sheet.close();
  }
}
