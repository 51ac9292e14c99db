import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "src/**/*.integration-test.ts"],
    // Integration files start one database each (an embedded PGlite takes ~2 s and ~700 MB, and a
    // scratch PostgreSQL database when TEST_DATABASE_URL is set) and run concurrency tests.
    // One test process for all files (per vitest worker), not one per file: its module graph
    // and PGlite image load once (e.g. the domain's tests: 145 s of CPU → 54 s). Files share no
    // state but what they create: each makes its own database, and apps with random ids.
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
