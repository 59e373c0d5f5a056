/**
 * The AUTH_SECRET that `npm run dev` passes to wrangler (the "dev" script in package.json, where
 * scripts/token.mjs and scripts/deploy.mjs read it). It is public, so anyone can sign tokens with
 * it: a Worker configured with it serves local development only (src/http/dev-guard.ts), and
 * `npm run deploy` refuses to upload it. test/unit/dev-config.test.ts keeps this copy equal to
 * the script's.
 */
export const DEV_AUTH_SECRET = "dev-only-secret-do-not-use-in-production-0001";
