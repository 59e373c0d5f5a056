/**
 * Folds a run of UI message chunks into the fewest that build the same message, part for part:
 * every text part's deltas become one delta (where its first one was), and every data part is sent
 * once, in its latest state, where it first appeared. That is exact because a text part's deltas
 * all fall between its `text-start` and `text-end`, and a data chunk with an id already in the
 * message replaces that part's data in place. Used for the replay a resumed stream starts with.
 */
import { UI_CHUNK_TYPES, type UiChunk } from "./ui-message-stream";

type TextDelta = Extract<UiChunk, { type: "text-delta" }>;

export function compactChunks(chunks: readonly UiChunk[]): UiChunk[] {
  const out: UiChunk[] = [];
  const deltas = new Map<string, TextDelta>();
  const data = new Map<string, number>();
  for (const chunk of chunks) {
    if (chunk.type === UI_CHUNK_TYPES.TEXT_DELTA) {
      const merged = deltas.get(chunk.id);
      if (merged) {
        merged.delta += chunk.delta;
        continue;
      }
      const copy = { ...chunk };
      deltas.set(chunk.id, copy);
      out.push(copy);
    } else if (chunk.type === UI_CHUNK_TYPES.DATA_AGENT || chunk.type === UI_CHUNK_TYPES.DATA_PROGRESS) {
      const key = `${chunk.type}\n${chunk.id}`;
      const at = data.get(key);
      if (at === undefined) {
        data.set(key, out.length);
        out.push(chunk);
      } else {
        out[at] = chunk;
      }
    } else {
      out.push(chunk);
    }
  }
  return out;
}
