/**
 * The demo page offers whatever `GET /pipelines` lists, with each pipeline's options form built
 * from its JSON Schema: it names no pipeline itself. Picking `localize` and its languages runs the
 * fan-out in Chromium against `wrangler dev`, with the options the form sent.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Browser, launchChromium } from "../helpers/chromium";
import { openDemo, shownTexts, waitForRun } from "../helpers/demo-page";
import { readSession } from "../helpers/server-view";
import { devToken } from "../helpers/tokens";

const chromiumPath = inject("chromiumPath");
const baseUrl = inject("e2eBaseUrl");

describe.skipIf(!chromiumPath)("demo page: any registered pipeline", () => {
  let browser: Browser;
  let token: string | undefined;

  beforeAll(async () => {
    browser = await launchChromium(chromiumPath);
    token = await devToken(baseUrl, "demo");
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("lists every pipeline of GET /pipelines and runs localize with the languages picked in its form", async () => {
    const listed = (await (
      await fetch(`${baseUrl}/pipelines`, { headers: { Authorization: `Bearer ${token}` } })
    ).json()) as { pipelines: { name: string }[] };
    const { page, problems } = await openDemo(browser.context, baseUrl);
    const offered = await page.$$eval('input[name="mode"]', (radios) =>
      radios.map((r) => (r as HTMLInputElement).value),
    );
    expect(offered).toEqual(listed.pipelines.map((p) => p.name));
    // Nova3's form: its common options, its optional agents to skip, and the agents to review.
    expect(await page.$$eval("[data-option]", (rows) => rows.map((r) => r.getAttribute("data-option")))).toEqual([
      "model",
      "temperature",
      "max_tokens",
      "language",
      "skip",
      "review",
    ]);
    await page.check('input[name="mode"][value="localize"]');
    await page.waitForSelector('[data-option="languages"]');
    await page.fill('input[name="option-languages"]', "fr, de, it");
    await page.fill('input[name="option-max_tokens"]', "12");
    await page.click("#send");
    await waitForRun(page);
    const sessionId = (await page.textContent("#session-id")) ?? "";
    const [run] = await readSession(baseUrl, sessionId, token);
    expect(run.status).toBe("completed");
    expect(Object.keys(run.texts).sort()).toEqual([
      "localizer_de",
      "localizer_fr",
      "localizer_it",
      "reviewer",
      "writer",
    ]);
    expect(await shownTexts(page)).toEqual(run.texts);
    for (const text of Object.values(run.texts)) expect(text.trim().split(/\s+/).length).toBeLessThanOrEqual(12);
    expect(problems, problems.join("; ")).toEqual([]);
    await page.close();
  });
});
