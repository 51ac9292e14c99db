import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "src/**/*.integration-test.ts"],
    // An embedded PostgreSQL (PGlite) takes ~1.5 s of CPU to start (from the per-process image,
    // see src/testing/pglite-image.ts) and ~700 MB: integration test files share one instance per
    // file, started in beforeAll. The limits are for a machine busy with other work too, as the
    // other packages' are: a test waits for what it needs, the limit only ends a hung one.
    // One test process for all files (per vitest worker), not one per file: its module graph
    // and PGlite image load once (e.g. the domain's tests: 145 s of CPU → 54 s). Files share no
    // state but what they create: each makes its own database, and apps with random ids.
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
