import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "src/**/*.integration-test.ts"],
    // Integration files start one database each (an embedded PGlite takes ~2 s and ~700 MB, and a
    // scratch PostgreSQL database when TEST_DATABASE_URL is set).
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
