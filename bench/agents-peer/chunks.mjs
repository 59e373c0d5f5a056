/**
 * The fake model's answer, spelled once for the peer Worker that streams it and for the test and
 * bench that check it chunk by chunk: chunk `i` is the text `c<i> `, so a missing, repeated or
 * reordered chunk shows in the text.
 */

/** Text of chunk `index` (0-based). */
export function chunkText(index) {
  return `c${index} `;
}

/** The whole answer of `count` chunks, as a client that got every chunk once in order has it. */
export function answerText(count) {
  let text = "";
  for (let i = 0; i < count; i++) text += chunkText(i);
  return text;
}
