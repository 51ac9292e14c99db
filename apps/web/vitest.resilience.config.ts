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
    // expect.poll waits for a condition; its default limit (1 s) is a wait for time, and a
    // browser page on a busy 2-CPU machine passed it now and then (webhook-console, filtered rows).
    expect: { poll: { timeout: 10_000 } },
  },
});
