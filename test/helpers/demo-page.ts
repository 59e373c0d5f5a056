/** Driving the demo page: open it, read what it shows, and keep a screenshot. */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BrowserContext, Page } from "playwright-core";

/** Screenshots go here (git-ignored) for a person to look at. */
export const SCREENSHOT_DIR = fileURLToPath(new URL("../../test-results/e2e/", import.meta.url));

/** Longest wait for a whole run on a loaded machine. */
export const RUN_TIMEOUT_MS = 90_000;

/** Longest wait for the page to sign in and list the pipelines. */
const READY_TIMEOUT_MS = 30_000;

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
  // Requests still open if the page never gets ready: what it was waiting for, in the failure.
  const open = new Set<string>();
  page.on("request", (request) => open.add(`${request.method()} ${new URL(request.url()).pathname}`));
  const settled = (request: { method(): string; url(): string }) =>
    open.delete(`${request.method()} ${new URL(request.url()).pathname}`);
  page.on("requestfinished", settled);
  page.on("requestfailed", settled);
  await page.goto(baseUrl);
  try {
    await page.waitForSelector('body[data-ready="true"]', { timeout: READY_TIMEOUT_MS });
  } catch (error) {
    const waiting = [...open].join(", ") || "none";
    throw new Error(`the page was not ready within ${READY_TIMEOUT_MS} ms; requests still open: ${waiting}`, {
      cause: error,
    });
  }
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
