/**
 * Runs one agent: `agent_start`, its tokens as `llm_chunk`s, `agent_complete` with the whole text,
 * then a checkpoint. An agent already completed in the run's checkpoint is not run again.
 */

import type { ChatMessage } from "../llm/provider";
import { EVENT_TYPES } from "../protocol/events";
import type { AgentSpec, RunContext } from "./run-context";

/** Length of the one-line summary in `agent_complete`. */
const SUMMARY_CHARS = 160;

export function summarize(text: string): string {
  const first = text.trim().split(/(?<=[.!?])\s/)[0] ?? "";
  return first.length > SUMMARY_CHARS ? `${first.slice(0, SUMMARY_CHARS - 1)}…` : first;
}

/** Streams one agent's answer to `messages` and returns its final text. */
export async function runAgent(ctx: RunContext, spec: AgentSpec, messages: ChatMessage[]): Promise<string> {
  const done = ctx.run.agents[spec.name];
  if (done?.status === "completed") return done.text;
  const model = ctx.modelFor(spec.name);
  const state = { status: "running" as const, text: "", model };
  ctx.run.agents[spec.name] = state;
  ctx.emit({
    event_type: EVENT_TYPES.AGENT_START,
    agent_source: spec.name,
    payload: { status: "started", task_description: spec.task, model },
  });
  const request = {
    model,
    messages: [{ role: "system" as const, content: spec.system }, ...messages],
    signal: ctx.signal,
  };
  for await (const delta of ctx.llm.stream(request)) {
    state.text += delta;
    ctx.emit({
      event_type: EVENT_TYPES.LLM_CHUNK,
      agent_source: spec.name,
      payload: { content: delta, content_type: "text", is_complete: false },
    });
  }
  ctx.emit({
    event_type: EVENT_TYPES.LLM_CHUNK,
    agent_source: spec.name,
    payload: { content: "", content_type: "text", is_complete: true },
  });
  ctx.run.agents[spec.name] = { status: "completed", text: state.text, model };
  ctx.emit({
    event_type: EVENT_TYPES.AGENT_COMPLETE,
    agent_source: spec.name,
    payload: { status: "completed", summary: summarize(state.text), text: state.text, model },
  });
  ctx.checkpoint();
  return state.text;
}
