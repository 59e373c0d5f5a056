/**
 * Nova3: a content pipeline. The requirement analyzer and the strategy generator lead; the insight
 * and profile agents (optional: without them the run is partial) both use those two and so run
 * side by side; the content agent uses all four, and the optimization agent polishes its draft.
 */
import type { AgentDefinition, PipelineDefinition } from "./pipeline-definition";

const agent = (name: string, task: string, system: string, uses: string[], required = true): AgentDefinition => ({
  name,
  task,
  system,
  uses,
  required,
});

export const NOVA3: PipelineDefinition = {
  name: "nova3",
  description: "Content pipeline: analyses the request, plans a strategy, writes the content and polishes it.",
  agents: [
    agent(
      "requirement_analyzer",
      "Work out what the user wants",
      "You are the requirement analyzer. State the goal, audience, format and constraints of the request.",
      [],
    ),
    agent(
      "strategy_generator",
      "Draft a content strategy",
      "You are the strategy generator. Propose a content strategy that meets the analyzed requirements.",
      ["requirement_analyzer"],
    ),
    agent(
      "insight_agent",
      "Find audience insights",
      "You are the insight agent. Give insights about the audience and market that sharpen the strategy.",
      ["requirement_analyzer", "strategy_generator"],
      false,
    ),
    agent(
      "profile_agent",
      "Profile the target reader",
      "You are the profile agent. Describe the target reader persona: needs, habits and tone they respond to.",
      ["requirement_analyzer", "strategy_generator"],
      false,
    ),
    agent(
      "content_agent",
      "Write the content",
      "You are the content agent. Write the content itself from the strategy, insights and profile.",
      ["requirement_analyzer", "strategy_generator", "insight_agent", "profile_agent"],
    ),
    agent(
      "optimization_agent",
      "Polish the content",
      "You are the optimization agent. Polish the draft: tighten wording, fix flow, keep the meaning.",
      ["content_agent"],
    ),
  ],
};

/** Every Nova3 agent name, in the order they start. */
export const NOVA3_AGENTS = NOVA3.agents.map((a) => a.name);
