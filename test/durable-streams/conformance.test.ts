/**
 * The Durable Streams conformance suite (`@durable-streams/server-conformance-tests` 0.3.6), as
 * published, against this service under `wrangler dev`. The suite sends no token, so the global
 * `fetch` adds one for a test user (authed-fetch.ts). Known failures and skips, with reasons, are
 * listed in docs/durable-streams.md.
 */
import { runConformanceTests } from "@durable-streams/server-conformance-tests";
import { beforeAll, inject } from "vitest";
import { userToken } from "../helpers/tokens";
import { authedFetch } from "./authed-fetch";

const options = { baseUrl: inject("dsBaseUrl"), longPollTimeoutMs: 20_000 };

beforeAll(async () => {
  globalThis.fetch = authedFetch(globalThis.fetch, options.baseUrl, await userToken("conformance-user"));
});

runConformanceTests(options);
