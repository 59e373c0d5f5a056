/**
 * The pipeline picker: one radio per registered pipeline (`GET /pipelines`), with its description
 * and agent count, and the picked pipeline's options form (options-form.ts). No pipeline is named
 * here: the page offers whatever the server registers.
 */
import type { PipelineDescription } from "@edge-stream/client";
import { el } from "./dom";
import { type FieldSchema, renderOptions } from "./options-form";

/** A first message for the seed's pipelines, so a newcomer can just press Send; others get the generic one. */
const SAMPLE_MESSAGES: Record<string, string> = {
  nova3: "Launch post for a solar-powered hiking backpack",
  loomi: "Hi Loomi! I run a small shop that sells handmade candles.",
};
const GENERIC_SAMPLE = "A short product page for a solar-powered hiking backpack";

export function sampleMessage(pipeline: string): string {
  return SAMPLE_MESSAGES[pipeline] ?? GENERIC_SAMPLE;
}

/** Whether `text` is one of the sample messages (replaced when the user switches pipelines). */
export function isSample(text: string): boolean {
  return text === GENERIC_SAMPLE || Object.values(SAMPLE_MESSAGES).includes(text);
}

export class PipelinePicker {
  #pipelines: PipelineDescription[] = [];
  #readOptions: () => Record<string, unknown> = () => ({});

  constructor(
    readonly modes: HTMLElement,
    readonly options: HTMLElement,
  ) {}

  /** Draws one radio per pipeline, the first checked; `onChange` runs when the pick changes. */
  render(pipelines: PipelineDescription[], onChange: () => void): void {
    this.#pipelines = pipelines;
    const labels = pipelines.map((p, i) => {
      const radio = el("input", { type: "radio", name: "mode", value: p.name });
      radio.checked = i === 0;
      radio.addEventListener("change", () => {
        this.#renderOptions();
        onChange();
      });
      const agents = `${p.agents.length} agent${p.agents.length === 1 ? "" : "s"}`;
      return el(
        "label",
        { class: "mode" },
        radio,
        el("span", {}, el("strong", {}, p.name), " ", el("small", {}, `${p.description} (${agents})`)),
      );
    });
    this.modes.replaceChildren(el("legend", {}, "Pipeline"), ...labels);
    this.#renderOptions();
  }

  /** The picked pipeline. */
  get picked(): PipelineDescription | undefined {
    const checked = this.modes.querySelector<HTMLInputElement>('input[name="mode"]:checked');
    return this.#pipelines.find((p) => p.name === checked?.value);
  }

  /** The picked pipeline's options as the form holds them. */
  values(): Record<string, unknown> {
    return this.#readOptions();
  }

  #renderOptions(): void {
    const schema = (this.picked?.options ?? {}) as FieldSchema;
    this.#readOptions = renderOptions(this.options, schema);
  }
}
