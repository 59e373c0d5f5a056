/** Types of scripts/deploy-check.mjs, for the tests that import it. */
export type Settings = Record<string, unknown> | undefined;

export function optionValue(argv: readonly string[], name: string, short?: string): string | undefined;
export function varsFromArgs(argv: readonly string[]): Record<string, string>;
export function parseSecretsFile(text: string): Record<string, unknown>;
export function deployRefusals(
  sources: { config?: Settings; args?: Settings; secrets?: Settings },
  devSecret: string,
): string[];
