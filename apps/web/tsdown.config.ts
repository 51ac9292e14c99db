import { join } from "node:path";
import { defineConfig } from "tsdown";

// `pnpm build` = `next build`, then this: the server entry (src/entry/main.ts) bundled into
// <distDir>/entry/server.mjs, which `pnpm start` runs. Next.js cleans <distDir> first, and each
// build folder (NEXT_DIST_DIR) gets its own entry. The workspace packages are TypeScript source,
// so they are bundled in; every other package stays external, resolved from apps/web's
// node_modules at run time (the ones Next.js also keeps external: pg, PGlite, Prisma, …).
export default defineConfig({
  entry: { server: "src/entry/main.ts" },
  outDir: join(process.env.NEXT_DIST_DIR ?? ".next", "entry"),
  format: "esm",
  platform: "node",
  target: "node20",
  fixedExtension: true,
  dts: false,
  clean: true,
  sourcemap: true,
  deps: { alwaysBundle: [/^@collab\//] },
});
