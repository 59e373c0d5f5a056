/**
 * The wire shape of `GET /pipelines`: every registered pipeline, enough for a UI to offer it, draw
 * its agents and build its options form. The server fills it (src/http/pipeline-routes.ts); the
 * browser client reads it (packages/client/src/client.ts).
 */

/** One agent of a pipeline, as defined (a `for_each` agent runs once per value of that option). */
export interface PipelineAgentDescription {
  name: string;
  task: string;
  uses: readonly string[];
  required: boolean;
  /** The list option it expands over; its instances are named `instance_name` with the value in place. */
  for_each?: string;
  instance_name?: string;
  /** Planned only for some messages (Loomi's specialist). */
  conditional?: boolean;
  model?: string;
  temperature?: number;
}

/** One pipeline. */
export interface PipelineDescription {
  name: string;
  description: string;
  /** The routes that start it: `/runs/<name>`, and the seed's alias when it has one. */
  routes: string[];
  /** Each turn's message and content are kept as the session's history for the next run. */
  conversational: boolean;
  agents: PipelineAgentDescription[];
  /** Its options as JSON Schema (draft 2020-12). */
  options: Record<string, unknown>;
}

/** The `GET /pipelines` answer. */
export interface PipelinesResponse {
  pipelines: PipelineDescription[];
}
