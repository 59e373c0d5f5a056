/**
 * Localize: a writer writes the piece once; one localizer per language of `options.languages`
 * (1–10 codes, `localizer_fr`, `localizer_de`, ...) adapts it, all in parallel; a reviewer then
 * checks every version against the original. A localizer or the reviewer failing makes the run
 * partial: the other languages are still delivered.
 */
import { z } from "zod";
import type { PipelineDefinition } from "./pipeline-definition";
import { instanceName } from "./pipeline-graph";
import { LanguageCode } from "./run-options";

/** Most languages one run adapts to. */
export const MAX_LANGUAGES = 10;

const listError = `must be a list of 1 to ${MAX_LANGUAGES} language codes`;

const languages = z
  .array(LanguageCode, { error: listError })
  .min(1, { error: listError })
  .max(MAX_LANGUAGES, { error: listError })
  .refine((codes) => new Set(codes.map((code) => instanceName("", code))).size === codes.length, {
    error: "must not name a language twice",
  })
  .describe('Languages to adapt the piece to, e.g. ["fr", "de", "pt-BR"]: one localizer each.');

export const LOCALIZE: PipelineDefinition = {
  name: "localize",
  description: "Writes a piece once, adapts it to each of options.languages in parallel, then reviews every version.",
  options: { languages },
  agents: [
    {
      name: "writer",
      task: "Write the piece",
      system: "You are the writer. Write the piece the user asks for, ready to publish.",
      uses: [],
      required: true,
    },
    {
      name: "localizer",
      forEach: "languages",
      task: "Adapt the piece for {each}",
      system:
        "You are the localizer for {each}. Adapt the piece to the language {each} and its readers: idiom, units and references; keep its meaning and format. Write only the adapted piece.",
      uses: ["writer"],
      required: false,
    },
    {
      name: "reviewer",
      task: "Review every version",
      system:
        "You are the reviewer. Check each localized version against the original for meaning, tone and errors, and list what to fix in each.",
      uses: ["writer", "localizer"],
      required: false,
    },
  ],
  // Every version under its agent's name, then the review.
  content: (outputs) =>
    Object.entries(outputs)
      .filter(([name]) => name !== "writer")
      .map(([name, text]) => `## ${name}\n${text}`)
      .join("\n\n"),
};
