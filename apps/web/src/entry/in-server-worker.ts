import type { Db } from "@collab/db";
import { startWorker, type Worker, type WorkerSettings } from "@collab/worker";
import type { Logger } from "pino";

// The background worker (calling timeouts, webhook deliveries) inside the server process, started
// by the entry unless WORKER_IN_SERVER=0, and its state for /healthz.

export type WorkerStatus = "starting" | "running" | "retrying" | "stopping" | "stopped";

export interface WorkerState {
  readonly status: WorkerStatus;
  /** When it entered this status. */
  readonly since: Date;
  /** Why it last failed (retrying or stopped), never a secret. */
  readonly lastError: string | null;
}

/** What @collab/worker's Worker reports once it retries on its own (optional until then). */
type WorkerWithState = Worker & { state?(): WorkerState };

/** First and longest wait between attempts to start it while it fails (doubling). */
const RETRY_MS = { first: 1_000, max: 30_000 };

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // One line, bounded: a driver's message may be long or span lines.
  return message.split("\n", 1)[0]?.slice(0, 300) ?? "";
}

export class InServerWorker {
  #worker: WorkerWithState | null = null;
  #state: WorkerState = { status: "starting", since: new Date(), lastError: null };
  #stopping: Promise<void> | undefined;
  #retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Db,
    private readonly settings: WorkerSettings,
    private readonly log: Logger,
  ) {}

  /** Starts it, retrying with backoff while it fails (e.g. the database is down at boot). */
  start(): void {
    void this.#attempt(RETRY_MS.first);
  }

  async #attempt(nextDelayMs: number): Promise<void> {
    if (this.#stopping !== undefined) return;
    try {
      const worker: WorkerWithState = await startWorker({
        db: this.db,
        settings: this.settings,
        log: this.log,
      });
      if (this.#stopping !== undefined) {
        await worker.stop();
        return;
      }
      this.#worker = worker;
      this.#set("running", null);
      this.log.info({ database: this.db.kind }, "worker started in the server");
    } catch (error) {
      if (this.#stopping !== undefined) return;
      this.#set("retrying", describe(error));
      this.log.error(
        { err: describe(error), retryInMs: nextDelayMs },
        "the worker did not start; retrying",
      );
      this.#retryTimer = setTimeout(
        () => void this.#attempt(Math.min(nextDelayMs * 2, RETRY_MS.max)),
        nextDelayMs,
      );
    }
  }

  #set(status: WorkerStatus, lastError: string | null): void {
    this.#state = { status, since: new Date(), lastError };
  }

  /** The worker's own state when it reports one, else what this wrapper knows. */
  state(): WorkerState {
    return this.#worker?.state?.() ?? this.#state;
  }

  /** Stops taking work, lets the current jobs and deliveries finish, releases their locks. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      clearTimeout(this.#retryTimer);
      this.#set("stopping", this.#state.lastError);
      try {
        await this.#worker?.stop();
      } finally {
        this.#set("stopped", this.#state.lastError);
      }
    })();
    return this.#stopping;
  }
}
