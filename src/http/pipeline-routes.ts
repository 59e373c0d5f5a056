/**
 * `GET /pipelines`: every registered pipeline with its description, the routes that start it, its
 * agents and what each uses, and its options as JSON Schema (draft 2020-12), so a UI can draw the
 * pipeline and build its options form without knowing any pipeline.
 */
import { Hono } from "hono";
import { z } from "zod";
import type { PipelineDefinition } from "../agents/pipeline-definition";
import { listPipelines, ROUTE_ALIASES } from "../agents/pipelines";
import { loadConfig } from "../env";
import type { PipelineAgentDescription, PipelineDescription, PipelinesResponse } from "../protocol/pipelines";
import type { AppEnv } from "./app-env";
import { pipelineOptions } from "./chat-options";

/** One agent as `GET /pipelines` describes it. */
function describeAgent(agent: PipelineDefinition["agents"][number]): PipelineAgentDescription {
  return {
    name: agent.name,
    task: agent.task,
    uses: agent.uses,
    required: agent.required,
    ...(agent.forEach === undefined ? {} : { for_each: agent.forEach, instance_name: `${agent.name}_{value}` }),
    ...(agent.when ? { conditional: true } : {}),
    ...(agent.model === undefined ? {} : { model: agent.model }),
    ...(agent.temperature === undefined ? {} : { temperature: agent.temperature }),
  };
}

export const pipelineRoutes = new Hono<AppEnv>().get("/", (c) => {
  const config = loadConfig(c.env);
  const pipelines = listPipelines().map(
    (def): PipelineDescription => ({
      name: def.name,
      description: def.description,
      routes: [
        `/runs/${def.name}`,
        ...Object.entries(ROUTE_ALIASES)
          .filter(([, name]) => name === def.name)
          .map(([route]) => `/${route}`),
      ],
      conversational: def.conversational === true,
      agents: def.agents.map(describeAgent),
      options: z.toJSONSchema(pipelineOptions(def, config), { io: "input", unrepresentable: "any" }) as Record<
        string,
        unknown
      >,
    }),
  );
  const body: PipelinesResponse = { pipelines };
  return c.json(body);
});
