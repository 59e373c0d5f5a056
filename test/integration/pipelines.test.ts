/**
 * Pipelines as plugins over HTTP: `GET /pipelines` describes every registered pipeline with its
 * options as JSON Schema; `POST /runs/:pipeline` starts any of them with the `/novachat` contract
 * (404 JSON for an unknown one); `localize` fans out one localizer per language, in parallel,
 * between its writer and its reviewer.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { NOVA3_AGENTS } from "../../src/agents/nova3-pipeline";
import { EVENT_TYPES, RUN_STATUSES, type StreamEvent } from "../../src/protocol/events";
import { findIntegrityMismatches, reconstructTexts } from "../../src/protocol/reconstruct";
import { api, postChat, waitIdle } from "../helpers/api";
import { readSse } from "../helpers/sse";

interface Described {
  name: string;
  description: string;
  routes: string[];
  agents: { name: string; uses: string[]; required: boolean; for_each?: string; instance_name?: string }[];
  options: Record<string, unknown>;
}

async function pipelines(): Promise<Described[]> {
  const res = await api("/pipelines");
  expect(res.status).toBe(200);
  return ((await res.json()) as { pipelines: Described[] }).pipelines;
}

async function run(path: `runs/${string}`, body: Record<string, unknown>) {
  const res = await postChat(path, body);
  expect(res.status, await res.clone().text()).toBe(200);
  const { events } = await readSse(res);
  return { events, sessionId: res.headers.get("X-Session-Id") ?? "" };
}

const at = (events: StreamEvent[], type: string, agent: string) =>
  events.findIndex((e) => e.event_type === type && e.agent_source === agent);

describe("GET /pipelines", () => {
  it("describes the three pipelines: description, routes, agents with their dependencies", async () => {
    const list = await pipelines();
    expect(list.map((p) => p.name)).toEqual(["nova3", "loomi", "localize"]);
    for (const p of list) expect(p.description.length).toBeGreaterThan(20);
    const nova3 = list[0];
    expect(nova3.routes).toEqual(["/runs/nova3", "/novachat"]);
    expect(nova3.agents.map((a) => a.name)).toEqual(NOVA3_AGENTS);
    expect(nova3.agents.find((a) => a.name === "insight_agent")).toMatchObject({
      uses: ["requirement_analyzer", "strategy_generator"],
      required: false,
    });
    const localizer = list[2].agents.find((a) => a.name === "localizer");
    expect(localizer).toMatchObject({ for_each: "languages", instance_name: "localizer_{value}", uses: ["writer"] });
  });

  it("publishes each pipeline's options as a JSON Schema that accepts what the API accepts and refuses the rest", async () => {
    for (const p of await pipelines()) {
      expect(p.options).toMatchObject({ $schema: "https://json-schema.org/draft/2020-12/schema", type: "object" });
      expect(p.options.additionalProperties).toBe(false);
      // The published schema read back as a validator: it says what the server says.
      const schema = z.fromJSONSchema(p.options as Parameters<typeof z.fromJSONSchema>[0]);
      const base = p.name === "localize" ? { languages: ["fr"] } : {};
      expect(schema.safeParse({ ...base, model: "m", temperature: 0.5, max_tokens: 100, language: "fr" }).success).toBe(
        true,
      );
      expect(schema.safeParse({ ...base, temperature: 3 }).success).toBe(false);
      expect(schema.safeParse({ ...base, nonsense: 1 }).success).toBe(false);
      expect(schema.safeParse({ ...base, agents: { [p.agents[0].name]: { temperature: 1 } } }).success).toBe(true);
      expect(schema.safeParse({ ...base, agents: { nobody: {} } }).success).toBe(false);
    }
    const localize = (await pipelines())[2];
    expect(localize.options.required).toEqual(["languages"]);
    const schema = z.fromJSONSchema(localize.options as Parameters<typeof z.fromJSONSchema>[0]);
    expect(schema.safeParse({}).success).toBe(false);
    expect(
      schema.safeParse({ languages: Array.from({ length: 11 }, (_, i) => `l${String.fromCharCode(97 + i)}`) }).success,
    ).toBe(false);
    const nova3 = (await pipelines())[0];
    expect(
      z.fromJSONSchema(nova3.options as Parameters<typeof z.fromJSONSchema>[0]).safeParse({ skip: ["content_agent"] })
        .success,
    ).toBe(false);
  });
});

describe("POST /runs/:pipeline", () => {
  it("answers 404 JSON for an unknown pipeline, before looking at the body", async () => {
    const res = await postChat("runs/nope", "not json at all");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: { code: "not_found", message: 'no pipeline named "nope" (GET /pipelines lists them)' },
    });
  });

  it("runs nova3 exactly as /novachat does", async () => {
    const { events } = await run("runs/nova3", { message: "Launch post for a solar backpack" });
    const start = events[0] as StreamEvent<"run_start">;
    expect(start.payload.mode).toBe("nova3");
    expect(start.payload.agents.map((a) => a.name)).toEqual(NOVA3_AGENTS);
    expect((events.at(-1) as StreamEvent<"run_complete">).payload.status).toBe(RUN_STATUSES.COMPLETED);
  });

  it("runs localize with three languages: the writer, three localizers side by side, then the reviewer", async () => {
    const { events, sessionId } = await run("runs/localize", {
      message: "A product page for a solar backpack",
      options: { languages: ["fr", "de", "pt-BR"] },
    });
    const localizers = ["localizer_fr", "localizer_de", "localizer_pt_br"];
    const plan = (events[0] as StreamEvent<"run_start">).payload.agents;
    expect(plan.map((a) => a.name)).toEqual(["writer", ...localizers, "reviewer"]);
    expect(plan.find((a) => a.name === "reviewer")?.uses).toEqual(["writer", ...localizers]);
    const complete = events.at(-1) as StreamEvent<"run_complete">;
    expect(complete.payload.status).toBe(RUN_STATUSES.COMPLETED);
    expect(Object.keys(complete.payload.agents).sort()).toEqual(["reviewer", "writer", ...localizers].sort());
    for (const name of localizers) {
      // Each starts after the writer completed, and all three start before any of them completes.
      expect(at(events, "agent_start", name)).toBeGreaterThan(at(events, "agent_complete", "writer"));
      for (const other of localizers) {
        expect(at(events, "agent_start", name)).toBeLessThan(at(events, "agent_complete", other));
      }
      expect(at(events, "agent_start", "reviewer")).toBeGreaterThan(at(events, "agent_complete", name));
    }
    const start = events.find((e) => e.event_type === EVENT_TYPES.AGENT_START && e.agent_source === "localizer_pt_br");
    expect((start as StreamEvent<"agent_start">).payload.task_description).toBe("Adapt the piece for pt-BR");
    expect(findIntegrityMismatches(events)).toEqual([]);
    const texts = reconstructTexts(events);
    // The demo model answers in the role its prompt gives it.
    expect(texts.localizer_de).toMatch(/^As the localizer for de:/);
    expect(complete.payload.content).toBe(
      [...localizers, "reviewer"].map((name) => `## ${name}\n${texts[name]}`).join("\n\n"),
    );
    const progress = events.filter((e) => e.event_type === EVENT_TYPES.PROGRESS) as StreamEvent<"progress">[];
    expect(progress.map((e) => e.payload.stage)).toEqual(["writer", localizers.join("+"), "reviewer"]);
    await waitIdle(sessionId);
  });

  it("refuses localize without languages, with too many, or with one twice, naming the option", async () => {
    const refusal = async (options: unknown) => {
      const res = await postChat("runs/localize", { message: "x", options }, { Accept: "application/json" });
      expect(res.status).toBe(400);
      return ((await res.json()) as { error: { code: string; message: string } }).error;
    };
    expect(await refusal({})).toEqual({
      code: "invalid_body",
      message: "options.languages: must be a list of 1 to 10 language codes",
    });
    const eleven = Array.from({ length: 11 }, (_, i) => `l${String.fromCharCode(97 + i)}`);
    expect((await refusal({ languages: eleven })).message).toBe(
      "options.languages: must be a list of 1 to 10 language codes",
    );
    expect((await refusal({ languages: ["fr", "FR"] })).message).toBe(
      "options.languages: must not name a language twice",
    );
    expect((await refusal({ languages: ["fr", "x y"] })).message).toBe(
      "options.languages.1: must be a language code such as fr or pt-BR",
    );
  });
});
