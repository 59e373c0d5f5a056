/**
 * A local stand-in for an OpenAI-compatible endpoint, speaking the real streaming wire format
 * (`POST /v1/chat/completions` with `stream: true` answers SSE `data: {chat.completion.chunk}`
 * frames and `data: [DONE]`), so tests drive the real `openai` client. Node only (globalSetup);
 * loopback, random port. Tests talk to it through test/helpers/fake-control.ts.
 *
 * Scenario control: the LAST user message of a request may carry directives
 *
 *     [[fake scenario=<id> agent=<target> model=<name> times=<n|all> <effects...>]]
 *
 * Each directive is a rule. It matches a request when its `agent` target (if any) occurs in the
 * first sentence of the system prompt (`_` read as a space, case-insensitive: `insight_agent`
 * matches "You are the insight agent.") and its `model` (if any) equals the request's model.
 * Effects of a matching rule:
 *   - pacing, on every match: `tokens=<n>` content chunks (default 12), `delay=<ms>` between them,
 *     `chars=<n>` characters in each chunk after the first (default: short words; see fake-text.ts).
 *   - a fault, on the first `times` matches only (default 1; counted per scenario and rule):
 *     `status=<code>` (with `retry-after=<value>`): an HTTP error with an OpenAI error body;
 *     `drop=1`: the connection is closed before any response (a network failure);
 *     `cut=<n>`: n chunks, then the socket is destroyed; `malformed=<n>`: n chunks, then a frame
 *     that is not JSON; `stall=<n>`: n chunks, then silence until the client gives up;
 *     `filter=<n>`: n chunks, then `finish_reason: "content_filter"`.
 * Every request is recorded (`GET /__fake/requests?scenario=<id>`), including whether the client
 * closed the connection before the answer ended.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { FakeRequestRecord } from "./fake-control";
import { fakeToken } from "./fake-text";

/** Longest a stalled answer holds its connection, so no test run can hang on it. */
const STALL_HOLD_MS = 60_000;
const DEFAULT_TOKENS = 12;
/** Pause between the last chunk and cutting the connection. */
const CUT_AFTER_MS = 100;

interface Rule {
  index: number;
  params: Record<string, string>;
}

const DIRECTIVE = /\[\[fake((?:\s+[\w-]+=[^\s\]]+)*)\s*\]\]/g;

/** Parses every `[[fake ...]]` directive in a message. */
export function parseDirectives(text: string): Rule[] {
  return [...text.matchAll(DIRECTIVE)].map((match, index) => {
    const params: Record<string, string> = {};
    for (const pair of match[1].trim().split(/\s+/).filter(Boolean)) {
      const eq = pair.indexOf("=");
      params[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    return { index, params };
  });
}

interface ChatBody {
  model: string;
  messages: { role: string; content: string }[];
}

function agentLabel(system: string): string {
  return (system.split(/[.\n]/)[0] ?? "").replace(/^You are (the )?/i, "").toLowerCase();
}

function matches(rule: Rule, label: string, model: string): boolean {
  const target = rule.params.agent?.replace(/_/g, " ").toLowerCase();
  if (target && !label.includes(target)) return false;
  return !rule.params.model || rule.params.model === model;
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
    res.on("close", () => {
      if (res.writableFinished) return;
      record.client_closed = true;
      if (record.outcome === "pending") record.outcome = "client_closed";
    });
    const tokens = Number(rules.find((r) => r.params.tokens)?.params.tokens ?? DEFAULT_TOKENS);
    const delay = Number(rules.find((r) => r.params.delay)?.params.delay ?? 0);
    const chars = Number(rules.find((r) => r.params.chars)?.params.chars ?? 0);
    // The first rule with a fault whose budget of `times` is not used up.
    const fault = rules.find((rule) => {
      if (!["status", "drop", "cut", "malformed", "stall", "filter"].some((k) => k in rule.params)) return false;
      const key = `${scenario}#${rule.index}`;
      const used = counters.get(key) ?? 0;
      const times = rule.params.times === "all" ? Number.POSITIVE_INFINITY : Number(rule.params.times ?? 1);
      if (used >= times) return false;
      counters.set(key, used + 1);
      return true;
    })?.params;

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
      const deadline = Date.now() + STALL_HOLD_MS;
      while (!record.client_closed && Date.now() < deadline) await sleep(20);
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
