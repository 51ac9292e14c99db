import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // A separate build folder lets several builds of this app coexist (parallel test runs).
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
  // Workspace packages export TypeScript source; Next compiles them.
  transpilePackages: [
    "@collab/api",
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
};

export default nextConfig;
