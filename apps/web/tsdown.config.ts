import { join } from "node:path";
import { defineConfig } from "tsdown";

// `pnpm build` = `next build`, then this, then scripts/artifact.ts. This bundles the processes
// into <distDir>/entry: the server entry (src/entry/main.ts → server.mjs, which `pnpm start`
// runs), and for the deployable artifact the worker (`pnpm worker`), the migration runner
// (`pnpm db:migrate`) and the app commands (`pnpm app:create`, `pnpm app:webhook`,
// `pnpm app:manage`). Next.js cleans <distDir> first, and each build folder (NEXT_DIST_DIR) gets
// its own entries. The workspace packages are TypeScript source, so they are bundled in, and so are npm packages that
// are not apps/web's dependencies; apps/web's dependencies stay external, resolved from its
// node_modules at run time (in the artifact, from the node_modules traced into it).
export default defineConfig({
  entry: {
    server: "src/entry/main.ts",
    worker: "../../packages/worker/src/cli.ts",
    migrate: "../../packages/db/src/cli/migrate.ts",
    "app-create": "../../packages/db/src/cli/app-create.ts",
    "app-webhook": "../../packages/db/src/cli/app-webhook.ts",
    "app-manage": "../../packages/db/src/cli/app-manage.ts",
  },
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
