import { fileURLToPath } from "node:url";
import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";

const nextConfig: NextConfig = {
  // A separate build folder lets several builds of this app coexist (parallel test runs).
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
  // The deployable artifact (<distDir>/standalone): Next.js copies the server build and the npm
  // files it uses there; scripts/artifact.ts then adds the entries (server, worker, migrate).
  // Traced from the repository root, so the workspace's node_modules layout is kept inside it.
  output: "standalone",
  outputFileTracingRoot: fileURLToPath(new URL("../..", import.meta.url)),
  // Workspace packages export TypeScript source; Next compiles them.
  transpilePackages: [
    "@collab/api",
    "@collab/client",
    "@collab/contracts",
    "@collab/db",
    "@collab/domain",
    "@collab/hiar-auth",
    "@collab/worker",
    "@collab/openapi",
    "@collab/settings",
  ],
  // Native/wasm database drivers must be loaded by Node at run time, not bundled.
  serverExternalPackages: [
    "pg",
    "@electric-sql/pglite",
    "@electric-sql/pglite-socket",
    "@prisma/adapter-pg",
    "@prisma/client",
    "ioredis",
  ],
  poweredByHeader: false,
  reactStrictMode: true,
  // The test commands build the app to test what it does and set this; its types are
  // `pnpm typecheck`'s job (CI runs it first). Any other build checks them (≈ 30 s on 2 CPUs).
  typescript: { ignoreBuildErrors: process.env.WEB_BUILD_SKIP_TYPECHECK === "1" },
  experimental: {
    // Turbopack's build cache makes a repeated build seconds instead of minutes; a CI run builds
    // a fresh clone once and would only pay for writing it (≈ 25 s).
    turbopackFileSystemCacheForBuild: process.env.CI !== "true",
  },
};

// Points next-intl at src/i18n/request.ts (the locale and messages of each request).
export default createNextIntlPlugin("./src/i18n/request.ts")(nextConfig);
