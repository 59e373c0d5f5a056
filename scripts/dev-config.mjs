/**
 * The development configuration `npm run dev` passes to wrangler, read from the "dev" script in
 * package.json so it is written down in one place (src/auth/dev-secret.ts holds the Worker's copy,
 * kept equal by a test).
 */
import { readFileSync } from "node:fs";

/** The published dev-only AUTH_SECRET of the "dev" script. */
export function devSecret() {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  const match = /--var AUTH_SECRET:(\S+)/.exec(pkg.scripts?.dev ?? "");
  if (!match) throw new Error('no "--var AUTH_SECRET:<secret>" in the "dev" script of package.json');
  return match[1];
}
