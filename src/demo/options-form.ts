/**
 * The options form of the picked pipeline, built from its options' JSON Schema (`GET /pipelines`):
 * a number field for numbers, a select for a closed list, checkboxes for a list of choices, a
 * comma-separated text field for a list of words, a text field for the rest. Per-agent settings
 * (`agents`, an object) are left to the API. Empty fields send nothing.
 */
import { el } from "./dom";

/** The part of JSON Schema this form reads. */
export interface FieldSchema {
  type?: string;
  description?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  pattern?: string;
  items?: FieldSchema & { not?: unknown };
  properties?: Record<string, FieldSchema>;
  required?: string[];
}

type Read = () => unknown;

function numberField(name: string, schema: FieldSchema): [HTMLElement, Read] {
  const input = el("input", { type: "number", name: `option-${name}` }) as HTMLInputElement;
  if (schema.minimum !== undefined) input.min = String(schema.minimum);
  if (schema.maximum !== undefined) input.max = String(schema.maximum);
  input.step = schema.type === "integer" ? "1" : "0.1";
  return [input, () => (input.value === "" ? undefined : Number(input.value))];
}

function choiceField(name: string, values: string[]): [HTMLElement, Read] {
  const select = el("select", { name: `option-${name}` }) as HTMLSelectElement;
  select.append(el("option", { value: "" }, "(default)"), ...values.map((v) => el("option", { value: v }, v)));
  return [select, () => select.value || undefined];
}

function checkboxes(name: string, values: string[]): [HTMLElement, Read] {
  const boxes = values.map(
    (value) => el("input", { type: "checkbox", name: `option-${name}`, value }) as HTMLInputElement,
  );
  const group = el("span", { class: "choices" }, ...boxes.map((box) => el("label", {}, box, ` ${box.value}`)));
  return [
    group,
    () => {
      const picked = boxes.filter((b) => b.checked).map((b) => b.value);
      return picked.length ? picked : undefined;
    },
  ];
}

function wordList(name: string, required: boolean): [HTMLElement, Read] {
  const input = el("input", {
    type: "text",
    name: `option-${name}`,
    placeholder: "comma-separated",
  }) as HTMLInputElement;
  if (required) input.value = "fr, de, es";
  return [
    input,
    () => {
      const words = input.value
        .split(",")
        .map((w) => w.trim())
        .filter(Boolean);
      return words.length ? words : undefined;
    },
  ];
}

function textField(name: string): [HTMLElement, Read] {
  const input = el("input", { type: "text", name: `option-${name}` }) as HTMLInputElement;
  return [input, () => input.value.trim() || undefined];
}

/** The field for one option, or undefined for one this form leaves to the API. */
function field(name: string, schema: FieldSchema, required: boolean): [HTMLElement, Read] | undefined {
  if (schema.type === "number" || schema.type === "integer") return numberField(name, schema);
  if (schema.type === "string" && schema.enum) return choiceField(name, schema.enum.map(String));
  if (schema.type === "string") return textField(name);
  if (schema.type === "array" && schema.items?.enum) return checkboxes(name, schema.items.enum.map(String));
  // A list that can hold nothing (`skip` of a pipeline without optional agents) has no field.
  if (schema.type === "array" && schema.items?.type === "string") return wordList(name, required);
  return undefined;
}

/** Fills `container` with `schema`'s fields; returns what reads them as the run's options. */
export function renderOptions(container: HTMLElement, schema: FieldSchema): () => Record<string, unknown> {
  const readers: [string, Read][] = [];
  const rows: HTMLElement[] = [];
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const required = schema.required?.includes(name) ?? false;
    const built = field(name, property, required);
    if (!built) continue;
    const [control, read] = built;
    readers.push([name, read]);
    const label = el(
      "label",
      { class: "option", "data-option": name },
      el("span", {}, `${name}${required ? " *" : ""}`),
      control,
    );
    if (property.description) label.title = property.description;
    rows.push(label);
  }
  container.replaceChildren(...rows);
  return () => {
    const out: Record<string, unknown> = {};
    for (const [name, read] of readers) {
      const value = read();
      if (value !== undefined) out[name] = value;
    }
    return out;
  };
}
