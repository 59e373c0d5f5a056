/**
 * The peer under test, in its own Node process (as a Next.js server would be): Vercel's
 * `resumable-stream` on a local redis-server, behind a small HTTP API on loopback. Each producer
 * and the resuming side hold their own redis clients, as separate serverless instances would.
 *
 *   fork("bench/lib/peer-server.mjs", [redisUrl])   sends { port } when ready; exits with its parent
 *   POST /produce?frames_url=U   produce U's SSE frames as one stream, kept open; read it once
 *   GET  /resume/:id             resumeExistingStream(id, 0) as SSE
 *   POST /finish/:id             end the stream normally      POST /kill/:id   drop its producer
 */
import { createServer } from "node:http";
import { createClient } from "redis";
import { createResumableStreamContext } from "resumable-stream";
import { authorizeFetch } from "./auth.mjs";

// The frames come from the service's /_bench/pipe route, which needs the bench user's token.
authorizeFetch();

const redisUrl = process.argv[2];

/** One "instance": its publisher and subscriber; `settled()` waits for the library's clean-up. */
async function instance() {
  const publisher = createClient({ url: redisUrl });
  const subscriber = createClient({ url: redisUrl });
  await Promise.all([publisher.connect(), subscriber.connect()]);
  const pending = [];
  const waitUntil = (promise) => pending.push(promise.catch(() => {}));
  return {
    context: createResumableStreamContext({ waitUntil, publisher, subscriber }),
    settled: () => Promise.all(pending),
    close: () => {
      publisher.destroy();
      subscriber.destroy();
    },
  };
}

const producers = new Map();

async function produce(framesUrl) {
  const res = await fetch(framesUrl);
  if (!res.ok) throw new Error(`frames ${framesUrl}: ${res.status} ${await res.text()}`);
  const text = await res.text();
  const frames = text.split(/(?<=\n\n)/).filter((frame) => frame.startsWith("id: "));
  const producer = await instance();
  const streamId = crypto.randomUUID();
  let release = () => {};
  const held = new Promise((resolve) => {
    release = resolve;
  });
  const stream = await producer.context.createNewResumableStream(
    streamId,
    () =>
      new ReadableStream({
        async start(controller) {
          for (const frame of frames) controller.enqueue(frame);
          await held; // theirs can resume only while the producer is still producing
          controller.close();
        },
      }),
  );
  const reader = stream.getReader();
  for (let got = 0; got < frames.length; got++) await reader.read();
  reader.releaseLock();
  producers.set(streamId, { ...producer, release });
  return { stream_id: streamId, chunks: frames.length };
}

async function resume(res, context, streamId) {
  const stream = await context.resumeExistingStream(streamId, 0);
  if (!stream) return res.writeHead(422).end("stream done or unknown");
  res.writeHead(200, { "Content-Type": "text/event-stream" });
  const reader = stream.getReader();
  res.on("close", () => reader.cancel().catch(() => {}));
  for (;;) {
    const { done, value } = await reader.read();
    if (done || res.destroyed) break;
    if (!res.write(value)) await new Promise((resolve) => res.once("drain", resolve));
  }
  res.end();
}

const resumer = await instance();
const server = createServer(async (req, res) => {
  const url = new URL(req.url, "http://peer");
  const [, action, id] = url.pathname.split("/");
  try {
    if (action === "produce") return res.end(JSON.stringify(await produce(url.searchParams.get("frames_url"))));
    if (action === "resume") return await resume(res, resumer.context, id);
    const producer = producers.get(id);
    if (!producer) return res.writeHead(404).end();
    producers.delete(id);
    if (action === "finish") {
      producer.release();
      await producer.settled();
    }
    producer.close();
    res.end("ok");
  } catch (error) {
    if (!res.headersSent) res.writeHead(502).end(String(error));
    else res.destroy();
  }
});
server.listen(0, "127.0.0.1", () => process.send?.({ port: server.address().port }));
process.on("disconnect", () => process.exit(0));
