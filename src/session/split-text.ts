/**
 * Cutting a long text into pieces of bounded length, for storage rows and events that must not
 * grow with an answer. A cut never falls inside a surrogate pair: SQLite stores text as UTF-8,
 * where half a pair cannot be written and would come back as U+FFFD.
 */

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * `text` in pieces of at most `maxChars` UTF-16 code units each (a piece is one unit shorter
 * where a cut would split a pair; at least one character per piece), in order. "" gives [].
 */
export function splitText(text: string, maxChars: number): string[] {
  const size = Math.max(2, Math.floor(maxChars));
  if (text.length <= size) return text === "" ? [] : [text];
  const pieces: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + size);
    if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end--;
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces;
}
