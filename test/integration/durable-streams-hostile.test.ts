/**
 * Hostile input on every Durable Streams route (/v1/stream/*): bad offsets, bad headers,
 * oversized bodies, producers going backwards, other users. Each is refused with the protocol's
 * status and the service's JSON error, never a 5xx, and leaves the stream as it was.
 */
import { describe, expect, it } from "vitest";
import { formatOffset } from "../../src/protocol/durable-streams/offsets";
import { api, startDetached, waitIdle } from "../helpers/api";
import { expectError } from "../helpers/error-responses";

const TEXT = { "Content-Type": "text/plain" };
const JSON_TYPE = { "Content-Type": "application/json" };
let counter = 0;
const freshPath = () => `/v1/stream/hostile-${Date.now()}-${++counter}`;

async function created(type: Record<string, string> = TEXT, body = "hello"): Promise<string> {
  const path = freshPath();
  expect((await api(path, { method: "PUT", headers: type, body })).status).toBe(201);
  return path;
}

/** The stream's whole content and tail, to show a refusal changed nothing. */
async function state(path: string): Promise<{ body: string; tail: string | null }> {
  const res = await api(`${path}?offset=-1`);
  return { body: await res.text(), tail: res.headers.get("Stream-Next-Offset") };
}

describe("bad offsets", () => {
  const bad = ["abc", "0,1", "0 1", "-2", "../../etc", "", "9999999999999999_9999999999999999", "1".repeat(300)];
  for (const mode of ["", "&live=long-poll", "&live=sse"]) {
    it(`are 400 JSON in ${mode || "catch-up"} reads`, async () => {
      const path = await created();
      for (const offset of bad) {
        await expectError(await api(`${path}?offset=${encodeURIComponent(offset)}${mode}`), 400, "invalid_query");
      }
      await expectError(await api(`${path}?offset=-1&offset=now${mode}`), 400, "invalid_query");
    });
  }

  it("refuses live reads without an offset and unknown live modes", async () => {
    const path = await created();
    await expectError(await api(`${path}?live=sse`), 400, "invalid_query");
    await expectError(await api(`${path}?offset=-1&live=websocket`), 400, "invalid_query");
  });
});

describe("bad headers", () => {
  it("refuses malformed TTL and expiry on create, and creates nothing", async () => {
    const cases: Record<string, string>[] = [
      { "Stream-TTL": "-1" },
      { "Stream-TTL": "1e3" },
      { "Stream-TTL": "99999999999999999999" },
      { "Stream-Expires-At": "tomorrow" },
      { "Stream-TTL": "60", "Stream-Expires-At": "2030-01-01T00:00:00Z" },
      { "Stream-Fork-Sub-Offset": "1" },
      { "Stream-Forked-From": "/v1/stream/x", "Stream-Fork-Offset": "zzz" },
      { "Stream-Forked-From": "/v1/stream/x", "Stream-Fork-Sub-Offset": "-1" },
    ];
    for (const headers of cases) {
      const path = freshPath();
      await expectError(await api(path, { method: "PUT", headers: { ...TEXT, ...headers } }), 400, "bad_request");
      expect((await api(path, { method: "HEAD" })).status).toBe(404);
    }
  });

  it("refuses partial or malformed producer headers and stores nothing", async () => {
    const path = await created();
    const before = await state(path);
    const cases: Record<string, string>[] = [
      { "Producer-Id": "p" },
      { "Producer-Id": "p", "Producer-Epoch": "0" },
      { "Producer-Id": "", "Producer-Epoch": "0", "Producer-Seq": "0" },
      { "Producer-Id": "p", "Producer-Epoch": "x", "Producer-Seq": "0" },
      { "Producer-Id": "p", "Producer-Epoch": "0", "Producer-Seq": "9007199254740993" },
    ];
    for (const headers of cases) {
      await expectError(
        await api(path, { method: "POST", headers: { ...TEXT, ...headers }, body: "x" }),
        400,
        "bad_request",
      );
    }
    expect(await state(path)).toEqual(before);
  });

  it("refuses a missing Content-Type on append and a mismatched one with 409", async () => {
    const path = await created();
    const before = await state(path);
    await expectError(await api(path, { method: "POST", body: new Uint8Array([1]) }), 400, "bad_request");
    await expectError(
      await api(path, { method: "POST", headers: JSON_TYPE, body: "{}" }),
      409,
      "content_type_mismatch",
    );
    expect(await state(path)).toEqual(before);
  });

  it("refuses invalid JSON and empty arrays in a JSON stream", async () => {
    const path = await created(JSON_TYPE, "[1]");
    for (const body of ["{", "[]", "nul", '{"a":}']) {
      await expectError(await api(path, { method: "POST", headers: JSON_TYPE, body }), 400, "invalid_body");
    }
    expect((await state(path)).body).toBe("[1]");
  });
});

describe("oversized bodies (MAX_STREAM_BYTES 1 MiB, MAX_STREAM_APPEND_BYTES 2 MiB here)", () => {
  it("refuses an append past the stream's size with 413 and stores none of it", async () => {
    const path = await created(TEXT, "a".repeat(600_000));
    const before = await state(path);
    await expectError(
      await api(path, { method: "POST", headers: TEXT, body: "b".repeat(600_000) }),
      413,
      "payload_too_large",
    );
    expect(await state(path)).toEqual(before);
  });

  it("refuses a create past the stream's size and a body past the request limit", async () => {
    const path = freshPath();
    await expectError(
      await api(path, { method: "PUT", headers: TEXT, body: "c".repeat(1_100_000) }),
      413,
      "payload_too_large",
    );
    expect((await api(path, { method: "HEAD" })).status).toBe(404);
    await expectError(
      await api(path, { method: "PUT", headers: TEXT, body: "d".repeat(2_200_000) }),
      413,
      "payload_too_large",
    );
    expect((await api(path, { method: "HEAD" })).status).toBe(404);
  });
});

describe("idempotent producers going backwards", () => {
  const producer = (epoch: number, seq: number) => ({
    ...TEXT,
    "Producer-Id": "writer",
    "Producer-Epoch": String(epoch),
    "Producer-Seq": String(seq),
  });

  it("fences an older epoch (403 naming the current one), refuses bad restarts and gaps, stores nothing", async () => {
    const path = await created(TEXT, "");
    expect((await api(path, { method: "POST", headers: producer(2, 0), body: "a" })).status).toBe(200);
    const before = await state(path);
    const stale = await api(path, { method: "POST", headers: producer(1, 1), body: "zombie" });
    await expectError(stale, 403, "stale_producer_epoch");
    expect(stale.headers.get("Producer-Epoch")).toBe("2");
    await expectError(await api(path, { method: "POST", headers: producer(3, 5), body: "x" }), 400, "bad_request");
    const gap = await api(path, { method: "POST", headers: producer(2, 4), body: "x" });
    await expectError(gap, 409, "producer_sequence_gap");
    expect([gap.headers.get("Producer-Expected-Seq"), gap.headers.get("Producer-Received-Seq")]).toEqual(["1", "4"]);
    const duplicate = await api(path, { method: "POST", headers: producer(2, 0), body: "a" });
    expect(duplicate.status).toBe(204);
    expect(await state(path)).toEqual(before);
  });

  it("refuses a Stream-Seq that does not increase", async () => {
    const path = await created(TEXT, "");
    expect((await api(path, { method: "POST", headers: { ...TEXT, "Stream-Seq": "b" }, body: "1" })).status).toBe(204);
    await expectError(
      await api(path, { method: "POST", headers: { ...TEXT, "Stream-Seq": "a" }, body: "2" }),
      409,
      "sequence_conflict",
    );
    expect((await state(path)).body).toBe("1");
  });
});

describe("access", () => {
  it("hides a stream from other users, refuses them its path, and needs a token", async () => {
    const path = await created();
    const other = { user: "someone-else" };
    await expectError(await api(`${path}?offset=-1`, {}, other), 404, "not_found");
    await expectError(await api(path, { method: "POST", headers: TEXT, body: "x" }, other), 404, "not_found");
    await expectError(await api(path, { method: "DELETE" }, other), 404, "not_found");
    await expectError(await api(path, { method: "PUT", headers: TEXT }, other), 409, "conflict");
    await expectError(await api(`${path}?offset=-1`, {}, { token: null }), 401, "unauthorized");
    expect((await state(path)).body).toBe("hello");
  });

  it("gives the creator a read token that opens this stream for reading only", async () => {
    const path = freshPath();
    const create = await api(path, { method: "PUT", headers: TEXT, body: "shared" });
    const token = create.headers.get("X-Read-Token");
    expect(token).toBeTruthy();
    const anonymous = { token: null };
    const read = await api(`${path}?offset=-1&token=${token}`, {}, anonymous);
    expect([read.status, await read.text()]).toEqual([200, "shared"]);
    expect((await api(`${path}?token=${token}`, { method: "HEAD" }, anonymous)).status).toBe(200);
    for (const method of ["POST", "PUT", "DELETE"]) {
      const res = await api(
        `${path}?token=${token}`,
        { method, headers: TEXT, body: method === "DELETE" ? undefined : "x" },
        anonymous,
      );
      await expectError(res, 401, "unauthorized");
    }
    const other = await created();
    await expectError(await api(`${other}?offset=-1&token=${token}`, {}, anonymous), 401, "unauthorized");
    expect((await state(path)).body).toBe("shared");
  });

  it("refuses bad stream paths and methods the protocol has no use for", async () => {
    await expectError(await api(`/v1/stream/a//b`, { method: "PUT", headers: TEXT }), 400, "bad_request");
    await expectError(await api(`/v1/stream/${"x".repeat(600)}`, { method: "PUT", headers: TEXT }), 400, "bad_request");
    const path = await created();
    await expectError(await api(path, { method: "PATCH", headers: TEXT, body: "x" }), 404, "not_found");
  });
});

describe("a session read as a stream", () => {
  it("is read-only (405), owner-only (404) and checks the session id (400)", async () => {
    const started = await startDetached("novachat", { message: "read me as a stream" });
    await waitIdle(started.session_id);
    const path = `/v1/stream/sessions/${started.session_id}`;
    for (const method of ["POST", "PUT", "DELETE"]) {
      const res = await api(path, { method, headers: JSON_TYPE, body: method === "DELETE" ? undefined : "[1]" });
      await expectError(res, 405, "method_not_allowed");
    }
    await expectError(await api(`${path}?offset=-1`, {}, { user: "someone-else" }), 404, "not_found");
    await expectError(await api(`/v1/stream/sessions/not-a-session?offset=-1`), 400, "invalid_session_id");
    await expectError(await api(`${path}?offset=bogus`), 400, "invalid_query");
    // The session's read token opens the stream for reading, and nothing else.
    const byToken = await api(`${path}?offset=-1&token=${started.read_token}`, {}, { token: null });
    expect(byToken.status).toBe(200);
    const other = await startDetached("novachat", { message: "another session" });
    await waitIdle(other.session_id);
    const wrongSession = `/v1/stream/sessions/${other.session_id}?offset=-1&token=${started.read_token}`;
    await expectError(await api(wrongSession, {}, { token: null }), 401, "unauthorized");
    const write = await api(
      `${path}?token=${started.read_token}`,
      { method: "POST", headers: JSON_TYPE, body: "[1]" },
      { token: null },
    );
    await expectError(write, 401, "unauthorized");
    await expectError(
      await api(`/v1/stream/x?offset=-1&token=${started.read_token}`, {}, { token: null }),
      401,
      "unauthorized",
    );
    const res = await api(`${path}?offset=${formatOffset(1)}`);
    expect(res.status).toBe(200);
    const events = (await res.json()) as { id: number }[];
    expect(events[0].id).toBe(2);
  });
});

describe("concurrent writes", () => {
  it("store nothing after a concurrent close, and lose or repeat no append", async () => {
    const path = await created(TEXT, "");
    // Bodies that arrive slowly, so each append is still reading its body when the close lands.
    const slowBody = () =>
      new ReadableStream<Uint8Array>({
        async start(controller) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          controller.enqueue(new TextEncoder().encode("b"));
          controller.close();
        },
      });
    const appends = Array.from({ length: 20 }, () => api(path, { method: "POST", headers: TEXT, body: slowBody() }));
    await new Promise((resolve) => setTimeout(resolve, 10));
    const closing = api(path, { method: "POST", headers: { ...TEXT, "Stream-Closed": "true" }, body: "Z" });
    const [closeAnswer, ...answers] = await Promise.all([closing, ...appends]);
    expect(closeAnswer.status).toBe(204);
    const statuses = answers.map((res) => res.status);
    expect(statuses.every((status) => status === 204 || status === 409)).toBe(true);
    const { body, tail } = await state(path);
    // The closing append is the last data: nothing after it, and every accepted append before it.
    expect(tail).toBe(closeAnswer.headers.get("Stream-Next-Offset"));
    expect(body.endsWith("Z")).toBe(true);
    expect(body.length - 1).toBe(statuses.filter((status) => status === 204).length);
  });
});
