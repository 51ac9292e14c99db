import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Workspace packages export TypeScript source; Next compiles them.
  transpilePackages: [
    "@collab/api",
    "@collab/contracts",
    "@collab/db",
    "@collab/domain",
    "@collab/hiar-auth",
  ],
  // Native/wasm database drivers must be loaded by Node at run time, not bundled.
  serverExternalPackages: [
    "pg",
    "@electric-sql/pglite",
    "@electric-sql/pglite-socket",
    "@prisma/adapter-pg",
    "@prisma/client",
  ],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
