import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Vitest's default on this 2-CPU machine is one file at a time, and an integration file
    // mostly waits: on its production server starting, on the browser, on the database. Two at
    // once keep both CPUs busy; three (518 → 300 s alone) let a server restart under load pass
    // the 30 s test limit now and then.
    maxWorkers: 2,
    // A limit, not a wait: a browser test's few page actions may each take up to
    // BROWSER_ACTION_TIMEOUT_MS (test/browser.ts) on a busy machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // expect.poll waits for a condition; its default limit (1 s) is a wait for time, and a
    // browser page on a busy 2-CPU machine passed it now and then (webhook-console, filtered rows).
    expect: { poll: { timeout: 10_000 } },
    projects: [
      { extends: true, test: { name: "unit", include: ["src/**/*.test.ts"] } },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["test/**/*.integration-test.ts"],
          // Each file starts its own production server and database (child processes) and
          // shares nothing else, so one test process runs them all (per vitest worker): its
          // imports load once instead of once per file (≈ 70 s of CPU of ≈ 480).
          isolate: false,
        },
      },
    ],
  },
});
