/** vitest globalSetup of the `llm` project: starts the fake OpenAI endpoint and provides its port. */
import type { TestProject } from "vitest/node";
import { startFakeOpenAi } from "./fake-openai";

declare module "vitest" {
  export interface ProvidedContext {
    fakeOpenAiPort: number;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startFakeOpenAi();
  project.provide("fakeOpenAiPort", server.port);
  return () => server.close();
}
