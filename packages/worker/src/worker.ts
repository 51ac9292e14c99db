import { type Db, readWorkerBacklog } from "@collab/db";
import type { Metrics } from "@collab/metrics";
import { silentWorkerLog, type WorkerLog } from "./log";
import type { Loop, LoopReport } from "./loop";
import { MAINTENANCE_TASK, startMaintenance } from "./maintenance";
import { RING_CLOCK, startRingClock } from "./ring-clock";
import { resolveWorkerSettings, type WorkerSettingsInput } from "./settings";
import { startWebhookDispatcher, WEBHOOK_OUTBOX } from "./webhooks/dispatcher";

/**
 * What a health check shows of a worker. `retrying`: the last attempt to reach the database
 * failed, or a loop is backing off after errors; `running` once every loop has completed a pass
 * and none is failing; `starting` until then. `since` is when the status last changed;
 * `lastError` is the most recent error (kept after recovery, for the operator), or null.
 */
export type WorkerState = {
  readonly status: "starting" | "running" | "retrying" | "stopping" | "stopped";
  readonly since: Date;
  readonly lastError: string | null;
};

export interface Worker {
  /** The worker's current state (for health checks). */
  state(): WorkerState;
  /**
   * Stops every loop: no new sweep, claim or maintenance pass starts; resolves once the ones in
   * progress (and the webhook POSTs in flight) have finished. Idempotent.
   */
  stop(): Promise<void>;
}

export interface StartWorkerOptions {
  /** The database (only its Prisma client is used). */
  readonly db: Pick<Db, "prisma">;
  readonly settings?: WorkerSettingsInput;
  readonly log?: WorkerLog;
  /** This process's metrics: the loops record into them, and they report the backlog. */
  readonly metrics?: Metrics;
}

/** Tracks every loop's last pass and derives the worker's state from them. */
class WorkerStatus implements LoopReport {
  private readonly healthy = new Map<string, boolean | undefined>();
  private current: WorkerState = { status: "starting", since: new Date(), lastError: null };

  constructor(
    loops: readonly string[],
    private readonly log: WorkerLog,
  ) {
    for (const loop of loops) this.healthy.set(loop, undefined);
  }

  state(): WorkerState {
    return this.current;
  }

  ok(name: string): void {
    if (this.healthy.get(name) === true) return;
    this.healthy.set(name, true);
    this.update(this.current.lastError);
  }

  failed(name: string, error: string): void {
    this.healthy.set(name, false);
    this.update(error);
  }

  stopping(): void {
    this.set("stopping", this.current.lastError);
  }

  stopped(): void {
    this.set("stopped", this.current.lastError);
  }

  private update(lastError: string | null): void {
    if (this.current.status === "stopping" || this.current.status === "stopped") {
      this.current = { ...this.current, lastError };
      return;
    }
    const states = [...this.healthy.values()];
    const status = states.includes(false)
      ? "retrying"
      : states.every((s) => s === true)
        ? "running"
        : "starting";
    this.set(status, lastError);
  }

  private set(status: WorkerState["status"], lastError: string | null): void {
    if (status === this.current.status) {
      this.current = { ...this.current, lastError };
      return;
    }
    this.current = { status, since: new Date(), lastError };
    try {
      if (status === "retrying") {
        this.log.warn(
          { err: lastError },
          "worker retrying: a loop failed (is the database reachable?)",
        );
      } else if (status === "running") {
        this.log.info({}, "worker running: calling timeouts, webhook deliveries, maintenance");
      }
    } catch {
      // a log that throws must not stop the loops
    }
  }
}

/**
 * Starts the background work of one process: the ring clock (calling timeouts), the webhook
 * outbox dispatcher and the maintenance loop. Any number of processes may run it against one
 * database (on PostgreSQL); on the embedded PGlite the single server process runs it.
 *
 * It never fails because of the database: the returned promise resolves at once (after checking
 * the settings), and each loop retries with a capped backoff until the database answers —
 * `state()` says whether it does. It rejects only on unusable settings (a worker setting that is
 * not a positive number). It reads no environment: `pnpm worker` and the server entry pass the
 * deployment's settings (@collab/settings).
 */
export async function startWorker(options: StartWorkerOptions): Promise<Worker> {
  const settings = resolveWorkerSettings(options.settings);
  const log = options.log ?? silentWorkerLog;
  const db = options.db.prisma;
  const status = new WorkerStatus([RING_CLOCK, WEBHOOK_OUTBOX, MAINTENANCE_TASK], log);
  const retry = { retryBaseMs: settings.retryBaseMs, retryMaxMs: settings.retryMaxMs };
  const { metrics } = options;
  metrics?.trackBacklog(() => readWorkerBacklog(db));

  const loops: { stop(): Promise<void> }[] = [];
  const ringClock: Loop = startRingClock({
    db,
    sweepIntervalMs: settings.sweepIntervalMs,
    sweepBatchSize: settings.sweepBatchSize,
    ...retry,
    log,
    report: status,
    ...(metrics === undefined ? {} : { metrics }),
  });
  loops.push(ringClock);
  loops.push(
    startWebhookDispatcher({
      db,
      settings: settings.webhooks,
      pollIntervalMs: settings.pollIntervalMs,
      ...retry,
      log,
      report: status,
      ...(metrics === undefined ? {} : { metrics }),
    }),
  );
  loops.push(
    startMaintenance({
      db,
      intervalMs: settings.maintenanceIntervalMs,
      attemptRetentionMs: settings.webhooks.attemptRetentionMs,
      ...retry,
      log,
      report: status,
    }),
  );

  let stopped: Promise<void> | undefined;
  return {
    state: () => status.state(),
    stop() {
      stopped ??= (async () => {
        status.stopping();
        await Promise.allSettled(loops.map((loop) => loop.stop()));
        status.stopped();
      })();
      return stopped;
    },
  };
}
