// Strict TypeScript against the packed client's declarations: compiles without an error.
import {
  ClientError,
  createClient,
  type EdgeStreamClient,
  EVENT_TYPES,
  type RunResult,
  type RunStatus,
  type StreamEvent,
} from "@edge-stream/client";

const client: EdgeStreamClient = createClient({
  baseUrl: "http://127.0.0.1:8787",
  token: async () => "token",
  transport: "websocket",
  backoff: { maxAttempts: 3 },
});
const run = client.novachat("Launch post for a solar backpack");
const texts = new Map<string, string>();
run.on(EVENT_TYPES.LLM_CHUNK, (event) => {
  const piece: string = event.payload.content;
  texts.set(event.agent_source, (texts.get(event.agent_source) ?? "") + piece);
});
run.on("progress", (event) => {
  const percent: number = event.payload.percent;
  return percent;
});
run.on("reconnecting", ({ delayMs, afterId }) => delayMs + afterId);
run.on("event", (event: StreamEvent) => event.id);

export async function finish(): Promise<RunStatus> {
  try {
    const result: RunResult = await run.done;
    const content: string = result.content;
    return content.length > 0 ? result.status : "failed";
  } catch (error) {
    if (error instanceof ClientError) return error.code === "closed" ? "cancelled" : "failed";
    throw error;
  }
}
