/** Types of ./chunks.mjs (plain JavaScript so the .mjs bench can import it too). */
export declare function chunkText(index: number): string;
export declare function answerText(count: number): string;
