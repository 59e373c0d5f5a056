/**
 * The Cloudflare Agents SDK as a benchmark peer (docs/performance.md, "Agents SDK peer"): one
 * `AIChatAgent` whose `onChatMessage` streams the fake model's answer through the SDK's server
 * API, so the SDK stores, broadcasts and resumes it exactly as it would a real model's. Bench
 * only: its own wrangler.toml and entry, nothing of it in the production Worker.
 *
 *   GET  /health                      200 "ok"
 *   WS   /agents/agents-peer/<name>   the SDK's chat protocol (cf_agent_use_chat_request, ...);
 *                                     the request body's `chunks`, `paceMs`, `holdMs` shape the answer
 *   GET  /agents/agents-peer/<name>/rows-written   { rows_written } since the object started
 */
import { AIChatAgent, type OnChatMessageOptions } from "@cloudflare/ai-chat";
import { routeAgentRequest } from "agents";
import { createUIMessageStreamResponse } from "ai";
import { countRowsWritten, type RowsWritten } from "../../src/bench/rows-written";
import { chunksIn, fakeAnswerOf, fakeAnswerStream } from "./fake-model";

export class AgentsPeer extends AIChatAgent {
  readonly #rows: RowsWritten;

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    // Counted from before the SDK's constructor, which already creates its tables.
    const rows = countRowsWritten(ctx.storage);
    super(ctx, env);
    this.#rows = rows;
  }

  override async onRequest(request: Request): Promise<Response> {
    if (new URL(request.url).pathname.endsWith("/rows-written")) return json(200, { rows_written: this.#rows.total() });
    return super.onRequest(request);
  }

  override async onChatMessage(_onFinish: unknown, options?: OnChatMessageOptions): Promise<Response> {
    const answer = fakeAnswerOf(options?.body);
    // A continuation (recovery after a restart) appends to the persisted partial answer.
    const last = this.messages.at(-1);
    const partial = options?.continuation && last?.role === "assistant" ? last.parts : [];
    const start = chunksIn(partial.map((part) => (part.type === "text" ? part.text : "")).join(""));
    return createUIMessageStreamResponse({ stream: fakeAnswerStream(answer, options?.abortSignal, start) });
  }
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

export default {
  async fetch(request, env) {
    if (new URL(request.url).pathname === "/health") return new Response("ok");
    const routed = await routeAgentRequest(request, env);
    return routed ?? json(404, { error: { code: "not_found", message: "no such route or agent" } });
  },
} satisfies ExportedHandler<Cloudflare.Env>;
