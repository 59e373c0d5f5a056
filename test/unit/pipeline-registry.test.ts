/**
 * Pipeline definitions are checked when the registry loads: an unknown dependency, a cycle, a
 * repeated or bad name fail at start-up (here), never in a run. Also what a definition expands
 * into for one run: `forEach` instances, `when`, `skip`, and the order agents can start in.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { LOCALIZE } from "../../src/agents/localize-pipeline";
import { NOVA3, NOVA3_AGENTS } from "../../src/agents/nova3-pipeline";
import type { AgentDefinition, PipelineDefinition } from "../../src/agents/pipeline-definition";
import { checkPipeline, findCycle, PipelineDefinitionError, planNodes } from "../../src/agents/pipeline-graph";
import { buildRegistry, findPipeline, listPipelines } from "../../src/agents/pipelines";

const agent = (name: string, uses: string[] = [], extra: Partial<AgentDefinition> = {}): AgentDefinition => ({
  name,
  task: `do ${name}`,
  system: `You are the ${name}.`,
  uses,
  required: true,
  ...extra,
});
const pipeline = (agents: AgentDefinition[], extra: Partial<PipelineDefinition> = {}): PipelineDefinition => ({
  name: "test",
  description: "A test pipeline.",
  agents,
  ...extra,
});

describe("pipeline definitions are checked at start-up", () => {
  it("registers the three shipped pipelines", () => {
    expect(listPipelines().map((p) => p.name)).toEqual(["nova3", "loomi", "localize"]);
    expect(findPipeline("nova3")).toBe(NOVA3);
    expect(findPipeline("nope")).toBeUndefined();
  });

  it("refuses an unknown dependency, naming it", () => {
    const bad = pipeline([agent("a"), agent("b", ["a", "ghost"])]);
    expect(() => checkPipeline(bad)).toThrow(PipelineDefinitionError);
    expect(() => checkPipeline(bad)).toThrow(
      'pipeline "test": agent b uses ghost, which is not an agent of this pipeline',
    );
    expect(() => buildRegistry([bad])).toThrow(/uses ghost/);
  });

  it("refuses a cycle, naming the agents along it", () => {
    const bad = pipeline([agent("a", ["c"]), agent("b", ["a"]), agent("c", ["b"])]);
    expect(() => checkPipeline(bad)).toThrow("its agents use each other in a cycle: a -> c -> b -> a");
    expect(() => checkPipeline(pipeline([agent("a", ["a"])]))).toThrow("cycle: a -> a");
    expect(findCycle(NOVA3.agents)).toBeUndefined();
  });

  it("refuses repeated names, bad names, no agents, and a forEach over an option the pipeline lacks", () => {
    expect(() => checkPipeline(pipeline([agent("a"), agent("a")]))).toThrow("agent a is defined twice");
    expect(() => checkPipeline(pipeline([agent("Bad-Name")]))).toThrow(/names must match/);
    expect(() => checkPipeline(pipeline([]))).toThrow("it has no agents");
    expect(() => checkPipeline(pipeline([agent("a", [], { forEach: "langs" })]))).toThrow(/option langs/);
    const ok = pipeline([agent("a", [], { forEach: "langs" })], { options: { langs: z.array(z.string()) } });
    expect(() => checkPipeline(ok)).not.toThrow();
    expect(() => buildRegistry([ok, ok])).toThrow('pipeline "test": registered twice');
  });
});

describe("planning a run", () => {
  it("orders Nova3 by when agents can start, with the insight and profile agents on one step", () => {
    const plan = planNodes(NOVA3, "m", {});
    expect(plan.map((n) => n.name)).toEqual(NOVA3_AGENTS);
    expect(plan.map((n) => n.depth)).toEqual([0, 1, 2, 2, 3, 4]);
  });

  it("expands localize's localizer once per language, and the reviewer uses every instance", () => {
    const plan = planNodes(LOCALIZE, "m", { languages: ["fr", "de", "pt-BR"] });
    expect(plan.map((n) => n.name)).toEqual(["writer", "localizer_fr", "localizer_de", "localizer_pt_br", "reviewer"]);
    expect(plan.find((n) => n.name === "localizer_pt_br")).toMatchObject({ each: "pt-BR", uses: ["writer"] });
    expect(plan.find((n) => n.name === "reviewer")?.uses).toEqual([
      "writer",
      "localizer_fr",
      "localizer_de",
      "localizer_pt_br",
    ]);
  });

  it("leaves skipped agents out, and out of the uses of the agents after them", () => {
    const plan = planNodes(NOVA3, "m", { skip: ["insight_agent"] });
    expect(plan.map((n) => n.name)).not.toContain("insight_agent");
    expect(plan.find((n) => n.name === "content_agent")?.uses).toEqual([
      "requirement_analyzer",
      "strategy_generator",
      "profile_agent",
    ]);
  });

  it("plans Loomi's specialist only when the message asks for content", () => {
    const loomi = findPipeline("loomi") as PipelineDefinition;
    expect(planNodes(loomi, "hello", {}).map((n) => n.name)).toEqual(["loomi_concierge"]);
    expect(planNodes(loomi, "write a tagline", {}).map((n) => n.name)).toEqual(["loomi_concierge", "content_agent"]);
  });
});
