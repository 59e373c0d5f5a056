/**
 * Fails when the committed Env bindings (worker-configuration.d.ts) are not exactly what
 * `npm run cf-typegen` generates from wrangler.toml today, e.g. after a binding or var was added
 * without regenerating, or after a hand edit. The file is regenerated in place (the imports in it
 * are relative to where it lives) and the committed text is always put back.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const file = `${root}worker-configuration.d.ts`;

const committed = readFileSync(file, "utf8");
let generated;
try {
  execFileSync("npm", ["run", "-s", "cf-typegen"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  generated = readFileSync(file, "utf8");
} finally {
  writeFileSync(file, committed);
}

if (generated !== committed) {
  // The file is a few dozen lines: the lines only one side has say enough.
  const [was, now] = [committed.split("\n"), generated.split("\n")];
  const changes = [
    ...was.filter((l) => !now.includes(l)).map((l) => `- ${l}`),
    ...now.filter((l) => !was.includes(l)).map((l) => `+ ${l}`),
  ];
  console.error(`worker-configuration.d.ts is stale (- committed, + generated):\n${changes.join("\n")}`);
  console.error("Run `npm run cf-typegen` and commit the result.");
  process.exit(1);
}
console.log("worker-configuration.d.ts matches wrangler.toml");
