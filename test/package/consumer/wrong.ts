// Each marked line is a type error that the package's declarations must catch (were they `any`,
// this file would compile). The test expects exactly these errors, at these lines.
import { createClient } from "@edge-stream/client";

const client = createClient({ baseUrl: "http://127.0.0.1:8787" });
const run = client.novachat("hello");
run.on("llm_chunk", (event) => {
  const wrong: number = event.payload.content; // error: string is not number
  return wrong;
});
run.on("no_such_event", () => {}); // error: not an event name
createClient({ baseUrl: 8787 }); // error: baseUrl is a string
client.loomichat("hi", { sessionId: 7 }); // error: sessionId is a string
