/**
 * What a pipeline is: one definition module (src/agents/pipelines/*.ts) names its agents, what each
 * uses, and its own options; the graph scheduler (graph-scheduler.ts) runs any definition, and the
 * registry (registry.ts) is the one list of them. Nothing outside src/agents/ names a pipeline.
 */
import type { z } from "zod";
import type { ChatMessage } from "../llm/provider";

/** What an agent's prompt is built from (see `AgentDefinition.prompt`). */
export interface PromptInput {
  /** The user's message. */
  message: string;
  /** Texts of the agents it uses that completed, by agent name, in plan order. */
  outputs: Record<string, string>;
  /** For an agent expanded per option value (`forEach`): its value, e.g. `fr`. */
  each?: string;
  /** Earlier turns of the session that fit the history budget (only conversational pipelines read them). */
  history(): ChatMessage[];
}

/** One role of a pipeline: one LLM call with its own prompt. */
export interface AgentDefinition {
  /** Lower-case snake_case. A `forEach` agent's instances are named `<name>_<value>`. */
  name: string;
  /** Shown in `agent_start` as `task_description`; `{each}` stands for a `forEach` value. */
  task: string;
  /** The role prompt ("You are the ..."); `{each}` stands for a `forEach` value. */
  system: string;
  /** Agents whose output it uses: it starts once all of them have finished. A `forEach` agent stands for all its instances. */
  uses: readonly string[];
  /** A required agent's failure fails the run; an optional one's only makes it partial (and it may be skipped). */
  required: boolean;
  /** Default model of this agent (below the operator's LLM_MODEL_<AGENT> and the request's options). */
  model?: string;
  /** Default sampling temperature of this agent (0–2); unset: the model's own. */
  temperature?: number;
  /** The name of a list option (e.g. `languages`): one instance of this agent per value, run in parallel. */
  forEach?: string;
  /** Whether this run includes the agent at all (Loomi's specialist only when asked to write). Default: always. */
  when?(input: { message: string }): boolean;
  /** The messages after the system prompt. Default: the message, then the outputs it uses under "Work so far". */
  prompt?(input: PromptInput): ChatMessage[];
}

/** A pipeline: its agents as a dependency graph, and the options it takes besides the common ones. */
export interface PipelineDefinition {
  /** Lower-case, `[a-z][a-z0-9_-]*`: the `:pipeline` of `POST /runs/:pipeline`. */
  name: string;
  /** One line, shown by `GET /pipelines`. */
  description: string;
  /** In the order a UI should list them; the scheduler starts each as soon as what it uses is done. */
  agents: readonly AgentDefinition[];
  /** Options of this pipeline only (e.g. `languages`), added to the common ones (run-options.ts). */
  options?: z.ZodRawShape;
  /** The session keeps each turn (message and content) as conversation history for the next run. */
  conversational?: boolean;
  /** The run's content from the completed agents' texts (in plan order). Default: the texts of the agents nothing uses, joined. */
  content?(outputs: Record<string, string>): string;
}
