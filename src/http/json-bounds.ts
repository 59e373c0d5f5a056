/**
 * A guard for free-form JSON in a request: bounded nesting depth and serialized size, checked
 * before any other schema looks inside. Parsing a deep value is cheap, but everything after it
 * that walks values recursively (structured clone across RPC to a Durable Object, JSON.stringify
 * for storage) overflows the stack on a few thousand levels, which fit easily in a 64 KiB body.
 */
import { z } from "zod";

/** Whether `value` nests objects or arrays more than `maxDepth` levels (`{}` and `[]` are 1, a scalar 0). */
export function nestedDeeperThan(value: unknown, maxDepth: number): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (maxDepth <= 0) return true;
  for (const child of Object.values(value)) {
    if (nestedDeeperThan(child, maxDepth - 1)) return true;
  }
  return false;
}

const encoder = new TextEncoder();

/**
 * Any JSON value at most `maxDepth` levels deep and `maxBytes` bytes of UTF-8 JSON; pipe it into
 * the schema of what the value may be. Depth is checked first, so the size check (which
 * serializes) and the next schema only ever see a shallow value.
 */
export function boundedJson(maxDepth: number, maxBytes: number) {
  return z.unknown().superRefine((value, ctx) => {
    if (nestedDeeperThan(value, maxDepth)) {
      ctx.addIssue({ code: "custom", message: `must be nested at most ${maxDepth} levels deep` });
    } else if (encoder.encode(JSON.stringify(value) ?? "").length > maxBytes) {
      ctx.addIssue({ code: "custom", message: `must be at most ${maxBytes} bytes of JSON` });
    }
  });
}
