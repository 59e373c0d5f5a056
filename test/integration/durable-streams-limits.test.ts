/**
 * Per-user Durable Streams limits, reached for real (workers project: MAX_DURABLE_STREAMS_PER_USER
 * 60, STREAM_APPENDS_PER_SECOND 10, STREAM_APPEND_BURST 100): past each, a 429 with Retry-After
 * that stores nothing; a deleted stream gives its place back.
 */
import { expect, it } from "vitest";
import { api } from "../helpers/api";
import { expectError, retryAfterSeconds } from "../helpers/error-responses";

const TEXT = { "Content-Type": "text/plain" };

it("refuses a user's stream past MAX_DURABLE_STREAMS_PER_USER until one is deleted", async () => {
  const user = { user: `ds-count-${crypto.randomUUID()}` };
  const base = `/v1/stream/count-${Date.now()}`;
  for (let i = 0; i < 60; i++)
    expect((await api(`${base}-${i}`, { method: "PUT", headers: TEXT }, user)).status).toBe(201);
  // Re-creating an existing one is not a new stream.
  expect((await api(`${base}-0`, { method: "PUT", headers: TEXT }, user)).status).toBe(200);
  const refused = await api(`${base}-60`, { method: "PUT", headers: TEXT }, user);
  await expectError(refused, 429, "rate_limited");
  expect(retryAfterSeconds(refused)).toBeGreaterThan(0);
  expect((await api(`${base}-60`, { method: "HEAD" }, user)).status).toBe(404);
  // Another user is not affected.
  expect(
    (await api(`${base}-other`, { method: "PUT", headers: TEXT }, { user: `ds-other-${Date.now()}` })).status,
  ).toBe(201);
  expect((await api(`${base}-0`, { method: "DELETE" }, user)).status).toBe(204);
  await expect.poll(async () => (await api(`${base}-60`, { method: "PUT", headers: TEXT }, user)).status).toBe(201);
});

it("refuses appends past the user's burst with 429 and stores exactly the accepted ones", async () => {
  const user = { user: `ds-rate-${crypto.randomUUID()}` };
  const path = `/v1/stream/rate-${Date.now()}`;
  expect((await api(path, { method: "PUT", headers: TEXT }, user)).status).toBe(201);
  // All at once: one at a time, the bucket would refill between them.
  const answers = await Promise.all(
    Array.from({ length: 130 }, () => api(path, { method: "POST", headers: TEXT, body: "x" }, user)),
  );
  const statuses = answers.map((res) => res.status);
  const refused = answers.find((res) => res.status === 429);
  expect(refused).toBeDefined();
  await expectError(refused as Response, 429, "rate_limited");
  expect(retryAfterSeconds(refused as Response)).toBeGreaterThan(0);
  const accepted = statuses.filter((status) => status === 204).length;
  expect(accepted).toBeGreaterThanOrEqual(100);
  expect(accepted).toBeLessThan(130);
  const read = await api(`${path}?offset=-1`, {}, user);
  expect((await read.text()).length).toBe(accepted);
});
