import { describe, expect, it } from "vitest";
import { MAX_EVENT_TEXT_CHARS } from "../../src/protocol/events";
import { inlineText, isAnnouncedText, textDigest } from "../../src/protocol/text-digest";
import { splitText } from "../../src/session/split-text";

describe("textDigest", () => {
  it("is FNV-1a 64 over UTF-8: the published test vectors", () => {
    expect(textDigest("")).toBe("fnv1a64:cbf29ce484222325");
    expect(textDigest("a")).toBe("fnv1a64:af63dc4c8601ec8c");
    expect(textDigest("foobar")).toBe("fnv1a64:85944171f73967e8");
  });

  it("hashes the UTF-8 bytes, so every language agrees on non-ASCII text", () => {
    // Computed independently (Python, over `.encode("utf-8")`): "é" is the bytes C3 A9, and the
    // emoji four bytes from a surrogate pair.
    expect(textDigest("é")).toBe("fnv1a64:0ac21707b7181e01");
    expect(textDigest("🙂 ok")).toBe("fnv1a64:87f0fbc2fd3f45c3");
  });

  it("verifies a text by itself when inline, by length and digest when not", () => {
    const long = "x".repeat(MAX_EVENT_TEXT_CHARS + 1);
    expect(inlineText("short")).toBe("short");
    expect(inlineText(long)).toBeUndefined();
    const announced = { text: inlineText(long), chars: long.length, digest: textDigest(long) };
    expect(isAnnouncedText(long, announced)).toBe(true);
    expect(isAnnouncedText(`${long.slice(1)}y`, announced)).toBe(false);
    expect(isAnnouncedText(long.slice(1), announced)).toBe(false);
    expect(isAnnouncedText("abc", { text: "abc" })).toBe(true);
    expect(isAnnouncedText("abc", {})).toBe(false);
  });
});

describe("splitText", () => {
  it("cuts into pieces of at most the size, in order, never inside a surrogate pair", () => {
    const text = "ab🙂cd🙂🙂e".repeat(50);
    for (const size of [2, 3, 4, 7, 64]) {
      const pieces = splitText(text, size);
      expect(pieces.join("")).toBe(text);
      for (const piece of pieces) {
        expect(piece.length).toBeGreaterThan(0);
        expect(piece.length).toBeLessThanOrEqual(size);
        // A lone surrogate would not survive UTF-8: every piece must encode and decode to itself.
        expect(new TextDecoder().decode(new TextEncoder().encode(piece))).toBe(piece);
      }
    }
    expect(splitText("", 4)).toEqual([]);
    expect(splitText("abc", 4)).toEqual(["abc"]);
  });
});
