/**
 * An AI SDK chat under the session cap (this project's bindings: 3 live sessions a user): its
 * first turn takes a session's place like any new session, its later turns are admitted at the
 * cap (the chat's lease is renewed, not counted again), and a turn refused in a live chat leaves
 * the chat's place counted.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/env";
import { SESSION_ID_HEADER } from "../../src/http/headers";
import { userLimitsStub } from "../../src/limits/user-limits-object";
import { chatBody, postAi, readUi } from "../helpers/ai-chat";
import { createSession, expectError, newUser, until, usage } from "../helpers/caps";

const config = loadConfig(env);

describe("AI SDK chats and MAX_SESSIONS_PER_USER", () => {
  it("counts a chat as one session however many turns it has, and keeps it counted through a refused turn", async () => {
    expect(config.maxSessionsPerUser).toBe(3);
    const { name, auth } = newUser("ai-chat-cap");
    await createSession(name, auth);
    await createSession(name, auth);

    const first = await postAi("loomi", chatBody("c1", "first turn"), auth);
    expect(first.status).toBe(200);
    const sessionId = first.headers.get(SESSION_ID_HEADER);
    expect((await readUi(first)).done).toBe(true);
    expect(await usage(auth)).toMatchObject({ sessions: { live: 3 } });
    // The ended run's slot is free, so the refusal below can only be the chat's own.
    await until(
      () => userLimitsStub(env, name).counts(),
      (counts) => counts.run === 0,
    );

    // At the cap, the chat's next turn is admitted: its session is not a new one.
    const second = await postAi("loomi", chatBody("c1", "second turn"), auth);
    expect(second.status).toBe(200);
    expect(second.headers.get(SESSION_ID_HEADER)).toBe(sessionId);

    // A turn refused while the second runs gives nothing back that it did not take.
    await expectError(await postAi("loomi", chatBody("c1", "too soon"), auth), 409, "run_active");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await usage(auth)).sessions.live).toBe(3);
    const other = await postAi("loomi", chatBody("c2", "a new chat"), auth);
    expect(await expectError(other, 429, "rate_limited")).toMatch(/too many live sessions for this user \(limit 3\)/);

    expect((await readUi(second)).done).toBe(true);
    expect(await usage(auth)).toMatchObject({ sessions: { live: 3 } });
  });
});
