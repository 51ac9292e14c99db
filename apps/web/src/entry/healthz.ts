import type { ServerResponse } from "node:http";
import { type Db, type PingResult, ping } from "@collab/db";
import { SERVICE_VERSION } from "../server/version";
import type { WorkerState } from "./in-server-worker";

// GET /healthz, answered by the entry itself (no Next.js): 200 when this instance can serve,
// 503 when it cannot — the database is unreachable, the in-server worker should run but has not
// been running for WORKER_GRACE_MS, or the server is shutting down (so load balancers drain it).

/** How long the worker may be "starting" or "retrying" before /healthz counts it as down. */
export const WORKER_GRACE_MS = 30_000;

/**
 * Concurrent probes share one database round trip, and a result serves for this long: an
 * unauthenticated client polling /healthz costs the database at most one query per interval.
 */
const PING_REUSE_MS = 500;

export interface HealthSources {
  readonly db: Db;
  /** Null when WORKER_IN_SERVER=0. */
  readonly worker: { state(): WorkerState } | null;
  readonly stopping: () => boolean;
  /** Default WORKER_GRACE_MS (tests shorten it). */
  readonly workerGraceMs?: number;
}

type DatabaseHealth = PingResult & { kind: string };

export interface Health {
  readonly status: "ok" | "unavailable" | "stopping";
  readonly version: string;
  readonly database: DatabaseHealth;
  readonly worker: {
    readonly inServer: boolean;
    readonly status: WorkerState["status"] | "elsewhere";
    readonly since: string | null;
    readonly lastError: string | null;
  };
}

export function workerIsHealthy(
  state: WorkerState,
  now = Date.now(),
  graceMs = WORKER_GRACE_MS,
): boolean {
  if (state.status === "running") return true;
  if (state.status === "starting" || state.status === "retrying") {
    return now - state.since.getTime() < graceMs;
  }
  return false;
}

export function healthChecker(sources: HealthSources) {
  let recent: { at: number; result: Promise<DatabaseHealth> } | undefined;
  const probeDatabase = (): Promise<DatabaseHealth> => {
    const now = performance.now();
    if (recent === undefined || now - recent.at > PING_REUSE_MS) {
      recent = {
        at: now,
        result: ping(sources.db).then((result) => ({ kind: sources.db.kind, ...result })),
      };
    }
    return recent.result;
  };

  return async function check(): Promise<Health> {
    const database = await probeDatabase();
    const state = sources.worker?.state();
    const workerOk =
      state === undefined || workerIsHealthy(state, Date.now(), sources.workerGraceMs);
    const status = sources.stopping() ? "stopping" : database.ok && workerOk ? "ok" : "unavailable";
    return {
      status,
      version: SERVICE_VERSION,
      database,
      worker:
        state === undefined
          ? { inServer: false, status: "elsewhere", since: null, lastError: null }
          : {
              inServer: true,
              status: state.status,
              since: state.since.toISOString(),
              lastError: state.lastError,
            },
    };
  };
}

export async function serveHealthz(
  check: () => Promise<Health>,
  res: ServerResponse,
): Promise<void> {
  const health = await check();
  const payload = JSON.stringify(health);
  res.writeHead(health.status === "ok" ? 200 : 503, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(payload),
    // Always answered live: a cached health check would hide an outage.
    "cache-control": "no-store",
  });
  res.end(payload);
}
