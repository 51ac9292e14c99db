// `pnpm --filter @collab/settings readme`: rewrites README.md's settings reference from the schema.
import { readFileSync, writeFileSync } from "node:fs";
import { withCurrentReference } from "./reference";

const path = new URL("../README.md", import.meta.url);
const before = readFileSync(path, "utf8");
const after = withCurrentReference(before);
writeFileSync(path, after);
console.log(
  before === after ? "README.md is up to date." : "README.md: settings reference rewritten.",
);
