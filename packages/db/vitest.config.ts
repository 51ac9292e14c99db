import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "src/**/*.integration-test.ts"],
    // An embedded PostgreSQL (PGlite) takes ~2 s to start and ~700 MB: integration test files
    // share one instance per file, started in beforeAll.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
