import { defineConfig } from "tsdown";

// dist/: one ESM file and its bundled declarations, runnable by plain Node 20+ outside this
// workspace. The workspace packages (contracts, hiar-auth) are TypeScript source, so they are
// bundled in; zod and jose stay dependencies.
export default defineConfig({
  entry: ["src/index.ts"],
  format: "esm",
  platform: "node",
  target: "node20",
  // Without the tests (and vitest's types), declarations build several times faster.
  tsconfig: "tsconfig.build.json",
  // eager: declarations of the bundled workspace sources are emitted by the TypeScript program.
  dts: { eager: true },
  clean: true,
  deps: { neverBundle: ["zod", "jose"], alwaysBundle: [/^@collab\//] },
});
