/**
 * The built-in demo model: deterministic, plausible text streamed token by token at a set pace,
 * so the service runs offline with no key. The same request always yields the same text.
 */
import { sleep } from "../lib/sleep";
import type { ChatRequest, LlmProvider } from "./provider";

/** Name the demo model reports in events. */
export const DEMO_MODEL = "demo";
/** Default answer length of the demo model, in words (one word is one streamed token). */
export const DEMO_DEFAULT_WORDS = 60;

const OPENERS = [
  "Here is my take on",
  "Looking closely at",
  "Building on what we know about",
  "Focusing on",
  "Turning to",
];
const MIDDLES = [
  "the key point is to keep the message clear and specific",
  "the audience responds best to concrete examples and a confident tone",
  "a short structure with one idea per paragraph works well",
  "the strongest angle ties the benefit to a real everyday moment",
  "it helps to lead with the outcome and follow with the details",
  "consistency of voice matters more than clever phrasing",
  "a clear call to action gives the reader an obvious next step",
];
const CLOSERS = [
  "That gives a solid base for the next step.",
  "This keeps everything aligned with the goal.",
  "Those choices should make the result feel natural.",
  "With that in place the rest follows easily.",
];

/** FNV-1a: a small, stable hash to seed the generator from the request. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Mulberry32: deterministic pseudo-random numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function topicOf(message: string): string {
  return message.split("\n\n")[0].replace(/\s+/g, " ").trim().slice(0, 80) || "the request";
}

/** The text the demo model answers to a request: about `words` words (exported for tests). */
export function demoText(request: Pick<ChatRequest, "model" | "messages">, words = DEMO_DEFAULT_WORDS): string {
  const all = request.messages.map((m) => `${m.role}:${m.content}`).join("\n");
  const next = seededRandom(hash(`${request.model}\n${all}`));
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)];
  const users = request.messages.filter((m) => m.role === "user").map((m) => topicOf(m.content));
  const topic = users[users.length - 1] ?? "the request";
  // "You are the strategy generator. ..." -> "As the strategy generator: ..."
  const role = request.messages.find((m) => m.role === "system")?.content.split(/[.\n]/)[0] ?? "";
  const voice = role.replace(/^you are\s+/i, "As ");
  const sentences = [`${voice ? `${voice}: ` : ""}${pick(OPENERS).toLowerCase()} "${topic}":`];
  // A conversation's later turns visibly build on the earlier ones.
  if (users.length > 1) sentences.unshift(`Following up on our earlier talk about "${users[0]}".`);
  const target = Math.max(1, words - 8) * (0.8 + next() * 0.4);
  let count = sentences[0].split(" ").length;
  // Deal the middle sentences like cards, so an answer repeats one only after using them all.
  const deck = [...MIDDLES].sort(() => next() - 0.5);
  for (let i = 0; count < target; i++) {
    const sentence = `${deck[i % deck.length]}.`;
    sentences.push(sentence.charAt(0).toUpperCase() + sentence.slice(1));
    count += sentence.split(" ").length;
  }
  sentences.push(pick(CLOSERS));
  return sentences.join(" ");
}

/** Splits text into word tokens that concatenate back to the text exactly. */
export function tokenize(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

export class DemoModel implements LlmProvider {
  readonly kind = DEMO_MODEL;
  readonly defaultModel: string;
  #delayMs: number;
  #words: number;

  /** `model` only labels the answers (and seeds them): the demo text is the same kind for any name. */
  constructor(delayMs: number, words = DEMO_DEFAULT_WORDS, model = DEMO_MODEL) {
    this.#delayMs = delayMs;
    this.#words = words;
    this.defaultModel = model;
  }

  /**
   * Token i is due `(i + 1) × delay` after the start, as a real endpoint streams at its own pace:
   * when the object's event loop runs late, the tokens due meanwhile arrive back to back (as they
   * would sit in the socket), instead of every later token being pushed back by the delay.
   */
  /**
   * Honours the request's options as a model would: `maxTokens` cuts the answer short, a
   * `temperature` changes the text. Reports counted tokens at the end, like a model's usage chunk:
   * the prompt's words and the answer's.
   */
  async *stream(request: ChatRequest): AsyncIterable<string> {
    const start = Date.now();
    const seeded =
      request.temperature === undefined ? request : { ...request, model: `${request.model}@${request.temperature}` };
    const tokens = tokenize(demoText(seeded, this.#words)).slice(0, request.maxTokens ?? Number.POSITIVE_INFINITY);
    for (const [i, token] of tokens.entries()) {
      const wait = start + (i + 1) * this.#delayMs - Date.now();
      if (wait > 0) await sleep(wait, request.signal);
      else if (request.signal.aborted) throw request.signal.reason;
      yield token;
    }
    const prompt = request.messages.reduce((sum, m) => sum + tokenize(m.content).length, 0);
    request.onUsage?.({ prompt_tokens: prompt, completion_tokens: tokens.length });
  }
}
