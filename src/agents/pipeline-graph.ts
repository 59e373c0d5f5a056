/**
 * A pipeline's agents as a dependency graph: checking a definition (names, dependencies, cycles),
 * which the registry does when the Worker starts, and expanding it into the agents one run plans
 * (`forEach` instances, agents left out by `when` or `skip`), ordered by when they can start.
 * Pure: tested under Node.
 */
import type { AgentDefinition, PipelineDefinition } from "./pipeline-definition";

/** A pipeline name, an agent name, and a `forEach` value once made part of an agent name. */
const NAME = /^[a-z][a-z0-9_]*$/;
const PIPELINE_NAME = /^[a-z][a-z0-9_-]*$/;

/** A definition that cannot run: thrown when the registry loads, so a bad pipeline stops the Worker's start-up. */
export class PipelineDefinitionError extends Error {
  constructor(pipeline: string, problem: string) {
    super(`pipeline ${JSON.stringify(pipeline)}: ${problem}`);
    this.name = "PipelineDefinitionError";
  }
}

/** Throws PipelineDefinitionError for the first problem of `def`: a bad or repeated name, an unknown dependency, a cycle. */
export function checkPipeline(def: PipelineDefinition): void {
  const fail = (problem: string): never => {
    throw new PipelineDefinitionError(def.name, problem);
  };
  if (!PIPELINE_NAME.test(def.name)) fail("its name must match [a-z][a-z0-9_-]*");
  if (!def.description.trim()) fail("it needs a description");
  if (def.agents.length === 0) fail("it has no agents");
  const byName = new Map<string, AgentDefinition>();
  for (const agent of def.agents) {
    if (!NAME.test(agent.name)) fail(`agent ${JSON.stringify(agent.name)}: names must match [a-z][a-z0-9_]*`);
    if (byName.has(agent.name)) fail(`agent ${agent.name} is defined twice`);
    byName.set(agent.name, agent);
    if (agent.forEach !== undefined && !(agent.forEach in (def.options ?? {}))) {
      fail(`agent ${agent.name} expands over option ${agent.forEach}, which the pipeline does not define`);
    }
  }
  for (const agent of def.agents) {
    for (const used of agent.uses) {
      if (!byName.has(used)) fail(`agent ${agent.name} uses ${used}, which is not an agent of this pipeline`);
    }
  }
  const cycle = findCycle(def.agents);
  if (cycle) fail(`its agents use each other in a cycle: ${cycle.join(" -> ")}`);
}

/** A cycle among `agents` as the names along it (first repeated at the end), or undefined. */
export function findCycle(agents: readonly Pick<AgentDefinition, "name" | "uses">[]): string[] | undefined {
  const uses = new Map(agents.map((a) => [a.name, a.uses]));
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === "done") return undefined;
    if (state.get(name) === "open") return [...path.slice(path.indexOf(name)), name];
    state.set(name, "open");
    path.push(name);
    for (const used of uses.get(name) ?? []) {
      const found = visit(used);
      if (found) return found;
    }
    path.pop();
    state.set(name, "done");
    return undefined;
  };
  for (const agent of agents) {
    const found = visit(agent.name);
    if (found) return found;
  }
  return undefined;
}

/** One agent of one run: a definition, or one `forEach` instance of it. */
export interface PlannedNode {
  name: string;
  definition: AgentDefinition;
  /** The `forEach` value of an instance. */
  each?: string;
  /** Planned agents it uses (instances for a `forEach` agent; agents left out are dropped). */
  uses: string[];
  required: boolean;
  /** Length of the longest chain of planned agents before it (0: it uses none): its step in progress reports. */
  depth: number;
}

/** The agent name of a `forEach` instance: `localizer` and `pt-BR` make `localizer_pt_br`. */
export function instanceName(agent: string, value: string): string {
  return `${agent}_${value.toLowerCase().replace(/[^a-z0-9]+/g, "_")}`;
}

/** The values an agent expands over, from the run's options. */
function valuesOf(agent: AgentDefinition, options: Record<string, unknown>): string[] {
  if (agent.forEach === undefined) return [];
  const values = options[agent.forEach];
  return Array.isArray(values) ? values.map(String) : [];
}

/**
 * The agents a run of `def` for `message` with (validated) `options` runs, ordered by the longest
 * chain of agents before each (then by definition order): the order they can start in. Agents in
 * `skip` and agents whose `when` says no are left out, and so are their places in others' `uses`.
 */
export function planNodes(def: PipelineDefinition, message: string, options: Record<string, unknown>): PlannedNode[] {
  const skip = new Set(Array.isArray(options.skip) ? options.skip.map(String) : []);
  const included = def.agents.filter((a) => !skip.has(a.name) && (a.when?.({ message }) ?? true));
  const instances = new Map<string, string[]>();
  for (const agent of included) {
    instances.set(
      agent.name,
      agent.forEach === undefined ? [agent.name] : valuesOf(agent, options).map((v) => instanceName(agent.name, v)),
    );
  }
  const nodes: PlannedNode[] = included.flatMap((definition) => {
    const uses = definition.uses.flatMap((used) => instances.get(used) ?? []);
    const base = { definition, uses, required: definition.required, depth: 0 };
    if (definition.forEach === undefined) return [{ ...base, name: definition.name }];
    return valuesOf(definition, options).map((each) => ({ ...base, name: instanceName(definition.name, each), each }));
  });
  const depth = new Map<string, number>();
  const depthOf = (node: PlannedNode): number => {
    const known = depth.get(node.name);
    if (known !== undefined) return known;
    const byName = (name: string) => nodes.find((n) => n.name === name);
    const d = Math.max(0, ...node.uses.map((u) => 1 + depthOf(byName(u) as PlannedNode)));
    depth.set(node.name, d);
    return d;
  };
  return nodes
    .map((node, index) => ({ node: { ...node, depth: depthOf(node) }, index }))
    .sort((a, b) => a.node.depth - b.node.depth || a.index - b.index)
    .map(({ node }) => node);
}
