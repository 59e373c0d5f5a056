/**
 * The text of the fake OpenAI endpoint's answers (test/helpers/fake-openai.ts), shared with the
 * tests inside workerd so they can compute exactly what an answer was. Pure: no Node, no workerd.
 */

/** Filler of a padded token: ASCII, two-byte, three-byte and four-byte (surrogate pair) characters. */
const FILLER = "lorem ipsum é ü 中文 🙂 ";

/**
 * Content of chunk `i` (0-based) of an answer of `tokens` chunks: `[<label>@<model>] ` first, then
 * `word<i>` (with a full stop on the last); with `chars` > 0 each later chunk is `w<i>:` padded with
 * FILLER to exactly `chars` UTF-16 units (one less where the cut would split a surrogate pair).
 */
export function fakeToken(i: number, tokens: number, label: string, model: string, chars = 0): string {
  if (i === 0) return `[${label}@${model}] `;
  if (chars <= 0) return `word${i}${i === tokens - 1 ? "." : " "}`;
  let text = `w${i}:`;
  while (text.length < chars) text += FILLER;
  text = text.slice(0, chars);
  const last = text.charCodeAt(text.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? text.slice(0, -1) : text;
}

/** The whole answer the endpoint streams for those parameters, as its tokens joined. */
export function fakeAnswer(tokens: number, label: string, model: string, chars = 0): string {
  let answer = "";
  for (let i = 0; i < tokens; i++) answer += fakeToken(i, tokens, label, model, chars);
  return answer;
}
