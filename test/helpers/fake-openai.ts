/**
 * A local stand-in for an OpenAI-compatible endpoint, speaking the real streaming wire format
 * (`POST /v1/chat/completions` with `stream: true` answers SSE `data: {chat.completion.chunk}`
 * frames and `data: [DONE]`), so tests drive the real `openai` client. Node only (globalSetup);
 * loopback, random port. Tests read what it saw through ./fake-openai-log.ts (./fake-control.ts in workerd).
 *
 * Scenarios are written into the request's last user message (./fake-openai-directives.ts).
 * Every request is recorded (`GET /__fake/requests?scenario=<id>`), including whether the client
 * closed the connection before the answer ended.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { agentLabel, matches, parseDirectives, takeFault } from "./fake-openai-directives";
import type { FakeRequestRecord } from "./fake-openai-log";
import { fakeToken } from "./fake-text";
import { sleep } from "./sleep";

/** Longest a stalled answer holds its connection, so no test run can hang on it. */
const STALL_HOLD_MS = 60_000;
const DEFAULT_TOKENS = 12;
/** Pause between the last chunk and cutting the connection. */
const CUT_AFTER_MS = 100;

interface ChatBody {
  model: string;
  messages: { role: string; content: string }[];
}

function chunk(id: string, model: string, content: string | null, finish: string | null = null): string {
  const delta = content === null ? {} : { content };
  const frame = {
    id,
    object: "chat.completion.chunk",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, delta, finish_reason: finish }],
  };
  return `data: ${JSON.stringify(frame)}\n\n`;
}

export interface FakeOpenAi {
  port: number;
  close(): Promise<void>;
}

/** Starts the fake endpoint on 127.0.0.1 and a random port. */
export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  const records: FakeRequestRecord[] = [];
  const counters = new Map<string, number>();

  async function answer(req: IncomingMessage, res: ServerResponse, body: ChatBody): Promise<void> {
    const system = body.messages.find((m) => m.role === "system")?.content ?? "";
    const lastUser = [...body.messages].reverse().find((m) => m.role === "user")?.content ?? "";
    const label = agentLabel(system);
    const rules = parseDirectives(lastUser).filter((rule) => matches(rule, label, body.model));
    const scenario = parseDirectives(lastUser)[0]?.params.scenario ?? "default";
    const record: FakeRequestRecord = {
      seq: records.length,
      scenario,
      agent: label,
      model: body.model,
      messages: body.messages,
      received_at: Date.now(),
      outcome: "pending",
      chunks_sent: 0,
      client_closed: false,
    };
    records.push(record);
    const clientGone = new Promise<void>((resolve) => {
      res.on("close", () => {
        if (res.writableFinished) return;
        record.client_closed = true;
        if (record.outcome === "pending") record.outcome = "client_closed";
        resolve();
      });
    });
    const tokens = Number(rules.find((r) => r.params.tokens)?.params.tokens ?? DEFAULT_TOKENS);
    const delay = Number(rules.find((r) => r.params.delay)?.params.delay ?? 0);
    const chars = Number(rules.find((r) => r.params.chars)?.params.chars ?? 0);
    const fault = takeFault(rules, scenario, counters);

    if (fault?.drop !== undefined) {
      record.outcome = "dropped";
      req.socket.destroy();
      return;
    }
    if (fault?.status) {
      const status = Number(fault.status);
      record.outcome = `status_${status}`;
      const headers: Record<string, string> = { "Content-Type": "application/json" };
      if (fault["retry-after"]) headers["Retry-After"] = fault["retry-after"];
      res.writeHead(status, headers);
      res.end(JSON.stringify({ error: { message: `fake ${status}`, type: "fake_error", code: null } }));
      return;
    }
    res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" });
    const id = `chatcmpl-fake-${record.seq}`;
    res.write(chunk(id, body.model, ""));
    const stopAt = fault ? Number(fault.cut ?? fault.malformed ?? fault.stall ?? fault.filter) : tokens;
    for (let i = 0; i < Math.min(tokens, stopAt); i++) {
      if (delay > 0) await sleep(delay);
      if (record.client_closed) return;
      const text = fakeToken(i, tokens, label, body.model, chars);
      res.write(chunk(id, body.model, text));
      record.chunks_sent++;
    }
    if (fault?.cut !== undefined) {
      record.outcome = "cut";
      // Let the client read what was sent first: a reset discards data the peer has not read yet.
      await sleep(CUT_AFTER_MS);
      req.socket.destroy();
      return;
    }
    if (fault?.malformed !== undefined) {
      record.outcome = "malformed";
      res.write('data: {"id": "broken", "choices": [{"delta": {"content": "x"\n\n');
      res.end();
      return;
    }
    if (fault?.stall !== undefined) {
      record.outcome = "stall";
      // Silence until the client gives up and closes, or STALL_HOLD_MS has passed.
      let hold: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([clientGone, new Promise((resolve) => (hold = setTimeout(resolve, STALL_HOLD_MS)))]);
      clearTimeout(hold);
      res.end();
      return;
    }
    const finish = fault?.filter !== undefined ? "content_filter" : "stop";
    res.write(chunk(id, body.model, null, finish));
    res.write("data: [DONE]\n\n");
    res.end();
    record.outcome = finish === "stop" ? "completed" : "content_filter";
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    if (req.method === "GET" && url.pathname === "/__fake/requests") {
      const scenario = url.searchParams.get("scenario");
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify(records.filter((r) => scenario === null || r.scenario === scenario)));
      return;
    }
    if (req.method !== "POST" || url.pathname !== "/v1/chat/completions") {
      res.writeHead(404, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ error: { message: `no route ${req.method} ${url.pathname}` } }));
      return;
    }
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (part: string) => {
      raw += part;
    });
    req.on("end", () => {
      let body: ChatBody;
      try {
        body = JSON.parse(raw) as ChatBody;
      } catch {
        res.writeHead(400, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ error: { message: "body is not JSON" } }));
        return;
      }
      answer(req, res, body).catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
