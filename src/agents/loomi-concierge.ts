/**
 * Loomi: a conversational concierge. Each turn sees the session's newest earlier turns (as many as
 * fit LOOMI_HISTORY_CHARS; see history-budget.ts), answers in a streamed reply and, when the user
 * asks for content, hands the request to a specialist agent whose events carry its own name.
 */
import type { PipelineDefinition, PromptInput } from "./pipeline-definition";

/** Messages that ask for content to be written go to the specialist. */
const HANDOFF = /\b(write|draft|compose|create|generate|rewrite)\b/i;

export function wantsSpecialist(message: string): boolean {
  return HANDOFF.test(message);
}

const CONCIERGE = "loomi_concierge";
const SPECIALIST = "content_agent";

/** The conversation so far, then this turn's message. */
const conversation = (input: PromptInput) => [...input.history(), { role: "user" as const, content: input.message }];

export const LOOMI: PipelineDefinition = {
  name: "loomi",
  description:
    "Conversational concierge: answers with the session's history and hands writing requests to a specialist.",
  conversational: true,
  agents: [
    {
      name: CONCIERGE,
      task: "Answer the user in the conversation",
      system: "You are Loomi, a friendly concierge. Answer helpfully and build on the conversation so far.",
      uses: [],
      required: true,
      prompt: conversation,
    },
    {
      name: SPECIALIST,
      task: "Write the content the user asked Loomi for",
      system: "You are the content specialist. Write the content the user asked for, using the conversation.",
      uses: [CONCIERGE],
      required: true,
      when: ({ message }) => wantsSpecialist(message),
      prompt: (input) => [
        ...conversation(input),
        { role: "assistant", content: input.outputs[CONCIERGE] ?? "" },
        { role: "user", content: `Please write it now: ${input.message}` },
      ],
    },
  ],
  // The reply, and the specialist's content after it when there is one.
  content: (outputs) => [outputs[CONCIERGE], outputs[SPECIALIST]].filter((t) => t !== undefined).join("\n\n"),
};
