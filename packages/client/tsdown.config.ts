import { defineConfig } from "tsdown";

// dist/: one ESM file and its bundled declarations, for browsers and Node.js 20+ outside this
// workspace. The workspace's contracts (TypeScript source, types only here) are bundled in;
// tRPC and zod (the declarations of the events) stay dependencies. The client imports the
// user channel's contracts by their subpath (`@collab/contracts/user-channel`), not the index:
// bundling the declarations of every contract took minutes and ran out of a 4 GB heap.
// @collab/api is a type-only import: nothing of the server is emitted.
export default defineConfig({
  entry: ["src/index.ts"],
  format: "esm",
  platform: "neutral",
  target: "es2022",
  tsconfig: "tsconfig.build.json",
  dts: { eager: true },
  clean: true,
  fixedExtension: true,
  deps: { neverBundle: ["@trpc/client", "@trpc/server", "zod"], alwaysBundle: [/^@collab\//] },
});
