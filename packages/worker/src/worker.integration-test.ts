import { createServer } from "node:net";
import { createDb, type Db } from "@collab/db";
import { createTestDatabase, type TestDatabase, testDatabaseTargets } from "@collab/db/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { WorkerLog } from "./log";
import { eventually } from "./test-support";
import { startWorker, type Worker } from "./worker";

// The worker's start and state (what a health check reads): it never fails because of the
// database — it retries until it runs — and only unusable settings refuse it.

const FAST = { pollIntervalMs: 100, retryBaseMs: 50, retryMaxMs: 200 } as const;

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function recordingLog() {
  const lines: { level: string; msg: string; fields: Record<string, unknown> }[] = [];
  const log: WorkerLog = {
    info: (fields, msg) => lines.push({ level: "info", msg, fields }),
    warn: (fields, msg) => lines.push({ level: "warn", msg, fields }),
    error: (fields, msg) => lines.push({ level: "error", msg, fields }),
  };
  return { log, lines };
}

describe("worker start and state", () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  const running: Worker[] = [];

  beforeAll(() => {
    process.on("unhandledRejection", onUnhandled);
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((w) => w.stop()));
  });
  afterAll(() => {
    process.off("unhandledRejection", onUnhandled);
  });

  it("starts with the database unreachable: retrying, logged in one line each, no rejection", async () => {
    const down = await createDb({
      databaseUrl: `postgres://postgres@127.0.0.1:${await closedPort()}/nowhere`,
    });
    try {
      const { log, lines } = recordingLog();
      const startedAt = Date.now();
      const worker = await startWorker({ db: down, settings: FAST, log });
      running.push(worker);
      expect(Date.now() - startedAt).toBeLessThan(10_000); // resolved without the database
      expect(["starting", "retrying"]).toContain(worker.state().status);
      expect(await eventually(async () => worker.state().status === "retrying", 5_000)).toBe(true);
      expect(worker.state().lastError).toMatch(/ECONNREFUSED|connect|reach/i);
      // Let the loops back off a few times: no rejection escapes, no stack reaches the log.
      await eventually(async () => lines.filter((l) => l.level === "warn").length >= 3, 5_000);
      expect(worker.state().status).toBe("retrying");
      for (const line of lines) {
        expect(JSON.stringify(line.fields)).not.toMatch(/\n\s+at /);
      }
      await worker.stop();
      expect(worker.state().status).toBe("stopped");
      expect(unhandled).toStrictEqual([]);
    } finally {
      await down.close();
    }
  });

  it("refuses unusable settings at once, naming them", async () => {
    const db = { prisma: {} } as unknown as Db; // never reached
    await expect(startWorker({ db, settings: { sweepIntervalMs: 0 } })).rejects.toThrow(
      /sweepIntervalMs/,
    );
    await expect(
      startWorker({ db, settings: { webhooks: { maxConcurrentPerApp: 1.5 } } }),
    ).rejects.toThrow(/maxConcurrentPerApp/);
  });
});

describe.each(testDatabaseTargets())("worker state on %s", (target) => {
  let db: TestDatabase;
  const running: Worker[] = [];

  beforeAll(async () => {
    db = await createTestDatabase({ target });
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((w) => w.stop()));
  });
  afterAll(async () => {
    await db?.close();
  });

  it("starting → running → stopping → stopped", async () => {
    const worker = await startWorker({ db, settings: FAST });
    running.push(worker);
    const first = worker.state();
    expect(["starting", "running"]).toContain(first.status);
    expect(first.lastError).toBeNull();
    expect(await eventually(async () => worker.state().status === "running", 5_000)).toBe(true);
    const runningSince = worker.state().since;
    expect(runningSince.getTime()).toBeGreaterThanOrEqual(first.since.getTime());
    const stopping = worker.stop();
    expect(worker.state().status).toBe("stopping");
    await stopping;
    expect(worker.state()).toMatchObject({ status: "stopped", lastError: null });
    await worker.stop(); // idempotent
  });

  it.runIf(target === "postgres")(
    "waits for a database that refuses connections, and runs once it is back",
    async () => {
      // The scratch database refuses new connections and loses the open ones.
      const admin = await createDb({ databaseUrl: process.env.TEST_DATABASE_URL, poolMax: 1 });
      const name = db.databaseName ?? "";
      const cut = async (allow: boolean) => {
        await admin.prisma.$executeRawUnsafe(
          `ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS ${allow}`,
        );
        if (!allow) {
          await admin.prisma.$executeRawUnsafe(
            `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}'`,
          );
        }
      };
      const own = await createDb({ databaseUrl: db.url, poolMax: 2 });
      try {
        await cut(false);
        const worker = await startWorker({ db: own, settings: FAST });
        running.push(worker);
        expect(await eventually(async () => worker.state().status === "retrying", 5_000)).toBe(
          true,
        );
        expect(worker.state().lastError).toMatch(/not currently accepting connections|55000/);
        await cut(true);
        expect(await eventually(async () => worker.state().status === "running", 5_000)).toBe(true);
        expect(worker.state().lastError).not.toBeNull(); // kept, for the operator
      } finally {
        await cut(true).catch(() => {});
        await Promise.all(running.splice(0).map((w) => w.stop()));
        await own.close();
        await admin.close();
      }
    },
  );
});
