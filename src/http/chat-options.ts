/**
 * The chat body's `options`: the per-run options the service honours, as a strict object, behind
 * the generic depth and size guard. None are honoured yet, so the object is empty and any key is
 * a 400 naming it: an option the caller thinks was applied must never be silently ignored. When
 * the service learns one (e.g. `model`, `temperature`, `max_tokens`), it is added to the shape
 * here and read where the run starts.
 */
import { z } from "zod";
import { boundedJson } from "./json-bounds";

/** Deepest nesting accepted in `options` (`{}` is 1): room for any real option, far below what recursion can suffer. */
export const MAX_OPTIONS_DEPTH = 8;
/** Largest `options`, bytes of JSON: options are a few short settings, not content. */
export const MAX_OPTIONS_BYTES = 4096;

function unknownOptions(keys: readonly string[]): string {
  const names = keys.map((key) => JSON.stringify(key)).join(", ");
  return `unknown option${keys.length === 1 ? "" : "s"} ${names}`;
}

/** The options the service honours: none yet. */
const HonouredOptions = z.strictObject(
  {},
  { error: (issue) => (issue.code === "unrecognized_keys" ? unknownOptions(issue.keys) : undefined) },
);

export const ChatOptions = boundedJson(MAX_OPTIONS_DEPTH, MAX_OPTIONS_BYTES).pipe(HonouredOptions);
export type ChatOptions = z.infer<typeof ChatOptions>;
