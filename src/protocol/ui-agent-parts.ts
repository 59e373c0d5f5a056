/**
 * One agent's side of a UI message: its `data-agent` part and the text part its current attempt
 * writes into. A text part is only ever appended to (the UI message stream cannot take text back),
 * so an attempt whose text the service discards ends its part, marked `discarded`, and the next
 * attempt writes into a new part `name#k` (docs/ai-sdk.md, "Retries and discarded text").
 */
import {
  type AgentPartData,
  type AgentPartStatus,
  PROVIDER_KEY,
  type TextPartMetadata,
  UI_CHUNK_TYPES,
  type UiChunk,
} from "./ui-message-stream";

/** Id of the text part begun by `attempt` of `agent`: the agent's name for its first, `name#k` after. */
export function textPartId(agent: string, attempt: number): string {
  return attempt === 1 ? agent : `${agent}#${attempt}`;
}

export class AgentParts {
  readonly data: AgentPartData;
  /** The open text part, with the text written into it so far. */
  #open: { id: string; attempt: number; text: string } | undefined;
  /** The attempt that began the newest text part (0: none yet). */
  #lastAttempt = 0;
  /** The data part changed since the last `flush` (a new one has never been sent). */
  #dirty = true;

  constructor(data: AgentPartData) {
    this.data = data;
  }

  /** The `data-agent` chunk showing the current state. */
  dataChunk(): UiChunk {
    return { type: UI_CHUNK_TYPES.DATA_AGENT, id: this.data.name, data: { ...this.data } };
  }

  /** Changes the data part (its chunk comes from the next `flush`). */
  update(change: Partial<AgentPartData>): void {
    for (const [key, value] of Object.entries(change)) {
      if (this.data[key as keyof AgentPartData] === value) continue;
      Object.assign(this.data, { [key]: value });
      this.#dirty = true;
    }
  }

  /** The data part's chunk if it changed since the last call, else nothing. */
  flush(): UiChunk[] {
    if (!this.#dirty) return [];
    this.#dirty = false;
    return [this.dataChunk()];
  }

  get status(): AgentPartStatus {
    return this.data.status;
  }

  get hasOpenPart(): boolean {
    return this.#open !== undefined;
  }

  #metadata(attempt: number, discarded?: boolean): { [PROVIDER_KEY]: TextPartMetadata } {
    const meta: TextPartMetadata = { agent: this.data.name, attempt };
    if (discarded) meta.discarded = true;
    return { [PROVIDER_KEY]: meta };
  }

  /** Begins a text part for `attempt` (or the next one, if that number is taken); closes an open one first. */
  open(attempt = this.#lastAttempt + 1, text = ""): UiChunk[] {
    const chunks = this.close();
    const number = Math.max(attempt, this.#lastAttempt + 1);
    const id = textPartId(this.data.name, number);
    this.#lastAttempt = number;
    this.#open = { id, attempt: number, text: "" };
    this.update({ text_part: id });
    chunks.push({ type: UI_CHUNK_TYPES.TEXT_START, id, providerMetadata: this.#metadata(number) });
    chunks.push(...this.append(text));
    return chunks;
  }

  /** Appends to the open part (opening one if none is open). */
  append(text: string): UiChunk[] {
    if (text === "") return [];
    if (!this.#open) return this.open(undefined, text);
    this.#open.text += text;
    return [{ type: UI_CHUNK_TYPES.TEXT_DELTA, id: this.#open.id, delta: text }];
  }

  /** Ends the open part, if any; a discarded one says so in its metadata. */
  close(discarded = false): UiChunk[] {
    const part = this.#open;
    if (!part) return [];
    this.#open = undefined;
    if (!discarded) return [{ type: UI_CHUNK_TYPES.TEXT_END, id: part.id }];
    return [{ type: UI_CHUNK_TYPES.TEXT_END, id: part.id, providerMetadata: this.#metadata(part.attempt, true) }];
  }

  /**
   * The service dropped the last `chars` characters of this agent's text (a failed attempt's).
   * The open part ends as discarded; what survives of it, if anything, and the next attempt (when
   * `nextAttempt` is given) go on in a new part.
   */
  discard(chars: number, nextAttempt?: number): UiChunk[] {
    const part = this.#open;
    if (!part || chars <= 0) return [];
    const kept = part.text.slice(0, Math.max(0, part.text.length - chars));
    const chunks = this.close(true);
    if (nextAttempt !== undefined) chunks.push(...this.open(nextAttempt, kept));
    else if (kept !== "") chunks.push(...this.open(part.attempt, kept), ...this.close());
    return chunks;
  }
}
