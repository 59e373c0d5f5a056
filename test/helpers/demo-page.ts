/** Driving the demo page: open it, read what it shows, and keep a screenshot. */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BrowserContext, Page } from "playwright-core";

/** Screenshots go here (git-ignored) for a person to look at. */
export const SCREENSHOT_DIR = fileURLToPath(new URL("../../test-results/e2e/", import.meta.url));

/** Longest wait for a whole run on a loaded machine. */
export const RUN_TIMEOUT_MS = 90_000;

export interface DemoPage {
  page: Page;
  /** Uncaught page errors and failed requests other than the expected /dev/token 404. */
  problems: string[];
}

export async function openDemo(context: BrowserContext, baseUrl: string): Promise<DemoPage> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("response", (response) => {
    const url = new URL(response.url());
    if (response.status() >= 400 && url.pathname !== "/dev/token")
      problems.push(`${response.status()} ${url.pathname}`);
  });
  await page.goto(baseUrl);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  return { page, problems };
}

/** The text each agent panel shows, by agent name. */
export function shownTexts(page: Page): Promise<Record<string, string>> {
  return page.$$eval("[data-agent-text]", (elements) =>
    Object.fromEntries(elements.map((e) => [e.getAttribute("data-agent-text") ?? "", e.textContent ?? ""])),
  );
}

export async function waitForRun(page: Page, status = "completed"): Promise<void> {
  await page.waitForSelector(`body[data-run-status="${status}"]`, { timeout: RUN_TIMEOUT_MS });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

export async function bodyData(page: Page, name: string): Promise<string | null> {
  return page.getAttribute("body", `data-${name}`);
}

export type { BrowserContext };
