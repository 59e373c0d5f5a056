/**
 * Memory of 500 idle followers, for both: RSS of a fresh workerd process (a process keeps memory
 * it freed) before and while 500 sockets follow one finished answer. Each follower is checked:
 * theirs connects as `useAgentChat` does and is told no stream is active (the SDK sends no
 * transcript on a socket; its client fetches it over HTTP, checked once to be the exact answer),
 * ours got every event id of the run.
 */

import { chatRequest, chatUrl, followChat, idleFollower, lastMessageText } from "../agents-peer/chat-client.mjs";
import { answerText } from "../agents-peer/chunks.mjs";
import { checkWhole } from "./agents-peer.mjs";
import { startSynthetic, waitIdle } from "./api.mjs";
import { followSocket } from "./ws-follower.mjs";

export const IDLE_FOLLOWERS = 500;
const ANSWER_CHUNKS = 20;
const MB = 2 ** 20;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Followers connect this many at a time: 500 at once reset the odd loopback connection here. */
const CONNECT_BATCH = 50;

/** RSS before and with `open()`'s followers settled; `open()` returns one { arrived, close }. */
async function growth(server, open) {
  await sleep(1_000);
  const before = await server.rss();
  const followers = [];
  let ok = 0;
  while (followers.length < IDLE_FOLLOWERS) {
    const batch = Array.from({ length: CONNECT_BATCH }, open);
    followers.push(...batch);
    ok += (await Promise.all(batch.map((f) => f.arrived))).filter(Boolean).length;
  }
  await sleep(2_000);
  const during = await server.rss();
  for (const f of followers) f.close();
  if (ok !== followers.length) throw new Error(`${followers.length - ok} of ${followers.length} idle followers failed`);
  return { beforeMB: before / MB, growthMB: (during - before) / MB, perFollowerKB: (during - before) / 1024 / ok };
}

export async function theirIdle(peer) {
  const server = await peer.start();
  try {
    const url = chatUrl(server.url, "idle");
    const done = await followChat(url, { request: chatRequest("idle", { chunks: ANSWER_CHUNKS }) });
    checkWhole(done, ANSWER_CHUNKS, "their idle answer");
    if ((await lastMessageText(server.url, "idle")) !== answerText(ANSWER_CHUNKS))
      throw new Error("their idle chat's transcript is not the answer");
    return await growth(server, () => idleFollower(url));
  } finally {
    await server.stop();
  }
}

export async function ourIdle(start) {
  const server = await start("real");
  try {
    const started = await startSynthetic(server.url, { events: ANSWER_CHUNKS, burst: ANSWER_CHUNKS });
    await waitIdle(server.url, started.session_id);
    const follow = () => {
      const f = followSocket(server.url, started.session_id, { expect: started.expect, hold: true });
      const arrived = f.arrived.then((r) => {
        if (!r.complete) process.stderr.write(`[bench] our idle follower failed: ${JSON.stringify(r)}\n`);
        return r.complete;
      });
      return { arrived, close: f.close };
    };
    return await growth(server, follow);
  } finally {
    await server.stop();
  }
}
