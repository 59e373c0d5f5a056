// Plain JavaScript in a fresh project that installed the packed client: follows one Nova3 run on
// the service at argv[2] and prints what it got as one JSON line.
import { createClient, EVENT_TYPES } from "@edge-stream/client";

const client = createClient({ baseUrl: process.argv[2], backoff: { initialMs: 10 } });
const run = client.novachat("Launch post for a solar backpack");
const ids = [];
let chunks = 0;
let reconnects = 0;
let completedAt = 0;
run.on("event", (event) => ids.push(event.id));
run.on(EVENT_TYPES.RUN_COMPLETE, () => {
  completedAt = Date.now();
});
run.on(EVENT_TYPES.LLM_CHUNK, () => chunks++);
run.on("reconnecting", () => reconnects++);
const result = await run.done;
const settleMs = Date.now() - completedAt;
console.log(
  JSON.stringify({
    status: result.status,
    content: result.content,
    texts: result.texts,
    ids,
    chunks,
    reconnects,
    integrity: run.integrity,
    settleMs,
  }),
);
