/**
 * JSON mode (PROTOCOL.md section 9.1): an `application/json` stream keeps message boundaries.
 * An append's body is one message, or an array whose elements are each a message (one level
 * flattened); a read answers with a JSON array of the messages in range.
 */

export type JsonSplit = { ok: true; messages: string[] } | { ok: false; message: string };

/**
 * The messages of a JSON body, each as compact JSON text. An empty array is refused on append
 * (`allowEmpty` false) and means "no initial messages" on create.
 */
export function splitJsonBody(text: string, allowEmpty: boolean): JsonSplit {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, message: "body is not valid JSON" };
  }
  if (!Array.isArray(value)) return { ok: true, messages: [JSON.stringify(value)] };
  if (value.length === 0 && !allowEmpty) return { ok: false, message: "an empty JSON array appends nothing" };
  return { ok: true, messages: value.map((item) => JSON.stringify(item)) };
}

/** The body of a JSON-mode read: the messages' texts as one array. */
export function joinJsonMessages(messages: readonly string[]): string {
  return `[${messages.join(",")}]`;
}

/** True when a content type's media type is `application/json` (parameters and case ignored). */
export function isJsonType(contentType: string): boolean {
  return mediaType(contentType) === "application/json";
}

/** The media type of a Content-Type value: lower case, without parameters. */
export function mediaType(contentType: string): string {
  return contentType.split(";")[0].trim().toLowerCase();
}

/** True when SSE data events carry the stream's bytes as text (text/* and JSON); others are base64. */
export function isTextType(contentType: string): boolean {
  const type = mediaType(contentType);
  return type.startsWith("text/") || type === "application/json";
}
