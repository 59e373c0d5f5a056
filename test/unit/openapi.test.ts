/**
 * The OpenAPI description (src/http/openapi/) under Node: a real OpenAPI 3.1 validator
 * (@seriousme/openapi-schema-validator) accepts it and resolves every `$ref`, and the README's
 * one line, `openapi-typescript <description> -o api.d.ts`, turns it into types a client compiles
 * against. That the description matches the app's routes, both ways, is checked inside workerd:
 * test/integration/openapi.test.ts.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Validator } from "@seriousme/openapi-schema-validator";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { readableSession } from "../../src/http/auth";
import { openApiDocument } from "../../src/http/openapi/document";
import { MAX_MESSAGE_CHARS } from "../../src/http/validation";

const run = promisify(execFile);
const document = () => openApiDocument(MAX_MESSAGE_CHARS);

async function validate(spec: Record<string, unknown>) {
  const validator = new Validator();
  const result = await validator.validate(spec);
  return { ...result, validator };
}

describe("the OpenAPI description", () => {
  it("is valid OpenAPI 3.1, and every $ref in it resolves", async () => {
    const { valid, errors, validator } = await validate(document());
    expect(errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(validator.version).toBe("3.1");
    expect(() => validator.resolveRefs()).not.toThrow();
  });

  it("is refused by the same validator when a parameter is malformed (the check is real)", async () => {
    const broken = document() as { paths: Record<string, Record<string, { parameters: { in: string }[] }>> };
    broken.paths["/sessions/{id}"].get.parameters[0].in = "body";
    expect((await validate(broken)).valid).toBe(false);
  });

  it("publishes the chat body's limits from the schema the route validates with", () => {
    const { components } = document() as {
      components: { schemas: Record<string, { properties?: Record<string, Record<string, unknown>> }> };
    };
    const chat = components.schemas.ChatBody;
    expect(chat.properties?.message).toMatchObject({ type: "string", minLength: 1, maxLength: MAX_MESSAGE_CHARS });
    expect(chat.properties?.session_id).toEqual({ $ref: "#/components/schemas/SessionId" });
    // Any object here: each pipeline's own strict options schema is published by GET /pipelines.
    expect(components.schemas.ChatOptions).toMatchObject({ type: "object" });
    expect(JSON.stringify(components.schemas.ChatOptions)).toContain("GET /pipelines");
  });
});

describe("the description's security", () => {
  it("offers the read token on exactly the routes a read token opens (src/http/auth.ts)", () => {
    const { paths } = document() as { paths: Record<string, Record<string, { security?: object[] }>> };
    const mismatched = Object.entries(paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([, operation]) => operation.security !== undefined)
        .filter(([method, operation]) => {
          const concrete = path.replace(/\{[^}]+\}/g, "00000000-0000-4000-8000-000000000000");
          const described = operation.security?.some((requirement) => "readToken" in requirement) ?? false;
          return described !== (readableSession(method.toUpperCase(), concrete) !== undefined);
        })
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(mismatched).toEqual([]);
  });
});

describe("the README's typed-client line (openapi-typescript)", () => {
  it("generates types that accept a right chat body and refuse a wrong one", { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "openapi-"));
    const spec = join(dir, "openapi.json");
    writeFileSync(spec, JSON.stringify(document()));
    const cli = join(process.cwd(), "node_modules", "openapi-typescript", "bin", "cli.js");
    await run(process.execPath, [cli, spec, "-o", join(dir, "api.d.ts")]);
    expect(readFileSync(join(dir, "api.d.ts"), "utf8")).toContain('"/sessions/{id}/events"');

    writeFileSync(
      join(dir, "client.ts"),
      [
        'import type { components, paths } from "./api";',
        'type ChatBody = paths["/novachat"]["post"]["requestBody"]["content"]["application/json"];',
        'type StreamEvent = components["schemas"]["StreamEvent"];',
        'export const body: ChatBody = { message: "hello" };',
        'export const kind = (e: StreamEvent): string => (e.event_type === "llm_chunk" ? e.payload.content : e.event_type);',
        "// @ts-expect-error: `message` is required",
        "export const wrong: ChatBody = { session_id: 'x' };",
      ].join("\n"),
    );
    const program = ts.createProgram([join(dir, "client.ts")], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      types: [],
    });
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    expect(diagnostics).toEqual([]);
  });
});

describe("README.md", () => {
  it("shows the typed-client line this file tests", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    expect(readme).toContain("npx openapi-typescript http://localhost:8787/openapi.json -o api.d.ts");
  });
});
