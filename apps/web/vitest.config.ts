import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.integration-test.ts"],
    // Each integration file starts its own production server and database.
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
