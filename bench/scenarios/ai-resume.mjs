/**
 * Resume of a 1,000-token answer mid-run through the AI SDK routes (docs/ai-sdk.md): a Loomi turn
 * (one agent, DEMO_TOKENS=1000 at the default pace) on `POST /ai/loomi`; once about half the answer
 * has arrived a second client resumes it (`GET /ai/loomi/:chatId/stream`, as `useChat({ resume:
 * true })` does after a reload) and reads it to the end. Its compact replay (the frames up to the
 * first that carries an id: src/http/ai-stream.ts) is set beside the same part of the answer
 * replayed one token a frame, and beside `resumable-stream` replaying those token frames from
 * Redis (bench/lib/peer-server.mjs; skipped without redis-server). Every resumed text is checked
 * against the original answer.
 */
import { fork } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:http";
import { killAtExit, onCleanup } from "../lib/cleanup.mjs";
import { findRedisServer, startRedis } from "../lib/redis-server.mjs";
import { readSse } from "../lib/sse-reader.mjs";
import { encodeFrame, readUiStream, TOKEN, textOf, tokenByToken } from "../lib/ui-stream.mjs";

const MESSAGE = "Tell me about solar-powered hiking backpacks";
/** Tokens of the answer received before the second client resumes. */
const RESUME_AFTER_TOKENS = 500;

/** The compact block: a resume's frames up to and including the first with an id. */
function compactBlock(frames) {
  const end = frames.findIndex((f) => f.id !== undefined);
  return end < 0 ? [] : frames.slice(0, end + 1);
}

/** Bytes of frames re-encoded as the service encodes them. */
const sizeOf = (texts) => texts.reduce((a, t) => a + Buffer.byteLength(t), 0);

async function resumeOurs(base) {
  const chatId = `cost-${crypto.randomUUID()}`;
  const body = { id: chatId, messages: [{ role: "user", parts: [{ type: "text", text: MESSAGE }] }] };
  let resumed;
  let resumeStartedAt;
  const original = await readUiStream(`${base}/ai/loomi`, {
    method: "POST",
    body,
    onFrame: (_frame, frames) => {
      if (resumed || (textOf(frames).match(TOKEN)?.length ?? 0) < RESUME_AFTER_TOKENS) return;
      resumeStartedAt = performance.now();
      resumed = readUiStream(`${base}/ai/loomi/${chatId}/stream`).then((r) => ({
        ...r,
        ms: performance.now() - resumeStartedAt,
      }));
    },
  });
  if (!resumed) throw new Error(`ai-resume: the answer ended before ${RESUME_AFTER_TOKENS} tokens`);
  const resume = await resumed;
  if (original.status !== 200 || resume.status !== 200) {
    throw new Error(`ai-resume: HTTP ${original.status} / resume ${resume.status}`);
  }
  return { original, resume };
}

/** `resumable-stream` holding `frames` as one in-flight stream; a second client resumes from 0. */
async function resumePeer(frames, log) {
  const binary = findRedisServer();
  if (!binary) {
    log("ai-resume: redis-server is not installed (apt-get install -y redis-server): peer row skipped");
    return undefined;
  }
  const redis = await startRedis(binary);
  const framesServer = createServer((_req, res) => res.end(frames.join("")));
  await new Promise((resolve) => framesServer.listen(0, "127.0.0.1", resolve));
  const child = fork(new URL("../lib/peer-server.mjs", import.meta.url), [redis.url], { stdio: "ignore" });
  killAtExit(child);
  const stopPeer = onCleanup(() => child.kill("SIGTERM"));
  try {
    const [{ port }] = await once(child, "message");
    const peer = `http://127.0.0.1:${port}`;
    const framesUrl = `http://127.0.0.1:${framesServer.address().port}/`;
    const produced = await fetch(`${peer}/produce?frames_url=${encodeURIComponent(framesUrl)}`, { method: "POST" });
    if (!produced.ok) throw new Error(`peer produce ${produced.status}: ${await produced.text()}`);
    const { stream_id } = await produced.json();
    const r = await readSse(`${peer}/resume/${stream_id}`, {
      expect: { first: 1, last: frames.length },
      maxEvents: frames.length,
      collect: true,
      timeoutMs: 30_000,
    });
    await fetch(`${peer}/finish/${stream_id}`, { method: "POST" });
    const text = textOf(r.collected.map((chunk) => ({ chunk })));
    return { bytes: r.bytes, chunks: r.events, complete: r.complete, ms: r.endedAt - r.startedAt, text };
  } finally {
    stopPeer();
    await new Promise((resolve) => framesServer.close(resolve));
    await redis.stop();
  }
}

export async function run({ defaults, log }) {
  const { original, resume } = await resumeOurs(defaults.url);
  const answer = textOf(original.frames);
  const compact = compactBlock(resume.frames);
  const head = compact.at(-1)?.id;
  // The same part of the answer as the original stream sent it: its frames through event `head`.
  const upTo = original.frames.findIndex((f) => f.id === head);
  if (head === undefined || upTo < 0) throw new Error(`ai-resume: no compact block (head ${head})`);
  const prefix = textOf(original.frames.slice(0, upTo + 1));
  const tokens = tokenByToken(original.frames.slice(0, upTo + 1));
  const checks = {
    resumedTextIsAnswer: textOf(resume.frames) === answer,
    compactTextIsPrefix: textOf(compact) === prefix,
    tokenFramesArePrefix: textOf(tokens.map((t) => ({ chunk: JSON.parse(t.split("data: ")[1]) }))) === prefix,
    resumeEndsDone: resume.frames.at(-1)?.chunk === "[DONE]",
  };
  const peer = await resumePeer(tokens, log);
  if (peer) checks.peerTextIsPrefix = peer.complete && peer.text === prefix;
  const failed = Object.entries(checks).filter(([, ok]) => !ok);
  if (failed.length > 0) throw new Error(`ai-resume: check failed: ${failed.map(([k]) => k).join(", ")}`);
  const figures = {
    answerTokens: answer.match(TOKEN)?.length ?? 0,
    resumedAtTokens: prefix.match(TOKEN)?.length ?? 0,
    // The compact block's frames as the service encodes them (the id on its last: ai-stream.ts).
    compact: {
      chunks: compact.length,
      bytes: sizeOf(compact.map((f) => encodeFrame(f.chunk, f.id))),
      types: compact.map((f) => f.chunk.type),
    },
    tokenByToken: { chunks: tokens.length, bytes: sizeOf(tokens) },
    peer,
    resumeMs: resume.ms,
    checks,
  };
  log(
    `ai-resume: at ${figures.resumedAtTokens} of ${figures.answerTokens} tokens: compact ${figures.compact.chunks} chunks (${figures.compact.types.join(", ")}) ${figures.compact.bytes} B, token by token ${figures.tokenByToken.chunks} chunks ${figures.tokenByToken.bytes} B, resumable-stream ${peer ? `${peer.chunks} chunks ${peer.bytes} B` : "skipped"}`,
  );
  const scenario = "9 ai-resume, 1,000-token answer mid-run";
  const note = `resumed after ${figures.resumedAtTokens} of ${figures.answerTokens} tokens; ours = the compact replay; naive = the same part one token a frame; resumable-stream = replaying those frames from redis; every resumed text equals the answer`;
  return {
    raw: figures,
    rows: [
      {
        scenario,
        metric: "replay chunks",
        ours: compact.length,
        naive: tokens.length,
        resumableStream: peer?.chunks,
        note,
      },
      {
        scenario,
        metric: "replay bytes",
        unit: "B",
        ours: figures.compact.bytes,
        naive: figures.tokenByToken.bytes,
        resumableStream: peer?.bytes,
      },
    ],
  };
}
