import { getDb } from "@collab/db";
import { startWorker, type Worker, workerSettingsFromEnv } from "@collab/worker";
import { logger } from "./logger";

// The in-process worker of the web server (instrumentation.ts). One per process, also when Next
// evaluates this module in several bundles: it lives on globalThis, like the database.

const KEY = Symbol.for("@collab/web/worker");
type Store = Record<symbol, Promise<Worker | null> | undefined>;

export function startServerWorker(): Promise<Worker | null> {
  const store = globalThis as unknown as Store;
  store[KEY] ??= (async () => {
    try {
      const db = await getDb();
      const worker = await startWorker({
        db,
        settings: workerSettingsFromEnv(),
        log: logger.child({ component: "worker" }),
      });
      logger.info({ component: "worker", database: db.kind }, "worker started in the server");
      // Release running jobs' locks on a clean shutdown; Next exits the process itself.
      for (const signal of ["SIGINT", "SIGTERM"] as const) {
        process.once(signal, () => void worker.stop());
      }
      return worker;
    } catch (error) {
      // The server still serves requests (healthz reports the database); say why loudly.
      logger.error({ component: "worker", err: error }, "the worker did not start");
      store[KEY] = undefined;
      return null;
    }
  })();
  return store[KEY];
}
