// `pnpm --filter @collab/settings readme`: rewrites README.md's settings reference and the
// repository's .env.example from the schema.
import { readFileSync, writeFileSync } from "node:fs";
import { envExample } from "./env-example";
import { withCurrentReference } from "./reference";

const path = new URL("../README.md", import.meta.url);
const before = readFileSync(path, "utf8");
const after = withCurrentReference(before);
writeFileSync(path, after);
console.log(
  before === after ? "README.md is up to date." : "README.md: settings reference rewritten.",
);

const examplePath = new URL("../../../.env.example", import.meta.url);
const exampleBefore = (() => {
  try {
    return readFileSync(examplePath, "utf8");
  } catch {
    return "";
  }
})();
const exampleAfter = envExample();
writeFileSync(examplePath, exampleAfter);
console.log(
  exampleBefore === exampleAfter ? ".env.example is up to date." : ".env.example rewritten.",
);
