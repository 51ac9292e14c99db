import type { Db } from "@collab/db";
import type { Metrics } from "@collab/metrics";
import {
  startWorker,
  type Worker,
  type WorkerSettingsInput,
  type WorkerState,
} from "@collab/worker";
import type { Logger } from "pino";

// The background worker (calling timeouts, webhook deliveries, maintenance) inside the server
// process, started by the entry unless WORKER_IN_SERVER=0, and its state for /healthz. The
// worker retries on its own while the database is unreachable (its state says `retrying`).

export type { WorkerState };

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // One line, bounded: a driver's message may be long or span lines.
  return message.split("\n", 1)[0]?.slice(0, 300) ?? "";
}

export class InServerWorker {
  #worker: Worker | null = null;
  /** Until startWorker has answered (at once, unless its settings are unusable). */
  #state: WorkerState = { status: "starting", since: new Date(), lastError: null };
  #started: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;

  constructor(
    private readonly db: Pick<Db, "prisma">,
    private readonly settings: WorkerSettingsInput,
    private readonly log: Logger,
    private readonly metrics?: Metrics,
  ) {}

  start(): void {
    this.#started ??= startWorker({
      db: this.db,
      settings: this.settings,
      log: this.log,
      ...(this.metrics === undefined ? {} : { metrics: this.metrics }),
    }).then(
      (worker) => {
        this.#worker = worker;
      },
      (error: unknown) => {
        // Only unusable settings, which the entry has checked already: say so, and /healthz 503.
        this.#state = { status: "stopped", since: new Date(), lastError: describe(error) };
        this.log.error({ err: describe(error) }, "the worker did not start");
      },
    );
  }

  state(): WorkerState {
    return this.#worker?.state() ?? this.#state;
  }

  /** Stops taking work; resolves once the sweep and the deliveries in progress have finished. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      await this.#started;
      if (this.#worker === null) {
        this.#state = { ...this.#state, status: "stopped", since: new Date() };
        return;
      }
      await this.#worker.stop();
    })();
    return this.#stopping;
  }
}
