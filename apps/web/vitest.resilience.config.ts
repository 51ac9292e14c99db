import { defineConfig } from "vitest/config";

// `pnpm test:resilience`: the long runs kept out of `pnpm test` (faults on a PostgreSQL cluster
// the test starts itself, fuzzing, memory, the deployable artifact started from a copy). One file
// at a time: each loads the machine on its own.
export default defineConfig({
  test: {
    include: ["{src,test}/**/*.{resilience,long}-test.ts"],
    passWithNoTests: true,
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 180_000,
  },
});
