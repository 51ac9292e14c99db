import { fileURLToPath } from "node:url";
import { defineConfig } from "prisma/config";

// Every Prisma CLI command first downloads a native schema engine, even `generate`, which does not
// use it; this machine (and CI) has no internet. Pointing PRISMA_SCHEMA_ENGINE_BINARY at a stub that
// explains itself skips the download. `generate` then works offline, and commands that really need
// the engine (migrate dev/deploy/status, db push/pull) fail with a pointer to the README.
//
// On a machine that can run the native engine:
// - PRISMA_SCHEMA_ENGINE_BINARY=/path/to/schema-engine  → that engine is used (`??=` keeps it);
// - COLLAB_PRISMA_NATIVE_ENGINE=1                        → no stub: Prisma downloads its engine.
if (process.env.COLLAB_PRISMA_NATIVE_ENGINE !== "1") {
  process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= fileURLToPath(
    new URL("./scripts/schema-engine-unavailable.sh", import.meta.url),
  );
}

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  // Only the migrate / db commands read these; `generate` needs no database.
  datasource: {
    url: process.env.DATABASE_URL,
    shadowDatabaseUrl: process.env.SHADOW_DATABASE_URL,
  },
});
