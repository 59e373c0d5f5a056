/** Types of scripts/build.mjs, for the test setup and scripts that import it. */
export const DIST_JS: string;
export const DIST_DTS: string;
export const CLIENT_JS_BUILD: import("esbuild").BuildOptions;
export function writeClientJs(contents: Uint8Array): boolean;
export function buildClientJs(): Promise<void>;
export function buildClientTypes(): Promise<void>;
export function buildClient(): Promise<void>;
