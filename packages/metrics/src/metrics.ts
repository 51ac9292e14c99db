import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

// What one process measures, as Prometheus metrics (the README's "Metrics"). Every label
// takes values from a closed set (operation paths from the operations table, HiAR error reasons,
// delivery outcomes), never from request data: a client cannot grow the registry.

/** Seconds: request, statement and delivery durations. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Seconds past a ring's deadline when it was timed out. */
const LATENESS_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300];
/** Seconds from an event to its webhook's acknowledgement. */
const DELAY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3_600];

/** The label a request gets when its path names no operation. */
export const UNKNOWN_OPERATION = "unknown";
/** The `reason` label of a request answered with success. */
export const OK_REASON = "OK";

/** The database's connection pool in this process, as pg reports it. */
export interface PoolStats {
  /** Connections open (busy or idle). */
  readonly total: number;
  readonly idle: number;
  /** Queries waiting for a connection. */
  readonly waiting: number;
  /** The pool's size limit. */
  readonly max: number;
}

/** Work the workers have not done yet: database-wide, the same whichever process reads it. */
export interface Backlog {
  /** Members ringing now. */
  readonly ringing: number;
  /** Of those, the ones past their deadline (the ring clock has not timed them out yet). */
  readonly overdue: number;
  /** Seconds the oldest overdue ring is past its deadline; 0 when none is. */
  readonly overdueOldestSeconds: number;
  /** Events appended but not yet acknowledged by their app's webhook. */
  readonly webhookPendingEvents: number;
  /** Sessions whose webhook stream has events to deliver. */
  readonly webhookPendingStreams: number;
  /** Seconds since the longest-due webhook stream fell due; 0 when none is. */
  readonly webhookOldestDueSeconds: number;
}

export type WebhookAttemptOutcome = "delivered" | "failed" | "abandoned";

export interface Metrics {
  readonly registry: Registry;
  /** A REST request answered: its operation's path (or UNKNOWN_OPERATION), status and reason. */
  observeRequest(request: {
    readonly operation: string;
    readonly status: number;
    readonly reason: string;
    readonly seconds: number;
  }): void;
  /** A REST request let through unchecked: the shared rate-limit store could not be reached. */
  observeRateLimitUnchecked(): void;
  /** One ring-clock sweep: how long it took and how late each ring it timed out was. */
  observeSweep(sweep: { readonly seconds: number; readonly lateSeconds: readonly number[] }): void;
  /** One webhook POST and its outcome; `delaySeconds` (event → acknowledgement) when delivered. */
  observeWebhookAttempt(attempt: {
    readonly outcome: WebhookAttemptOutcome;
    readonly seconds: number;
    readonly delaySeconds?: number;
  }): void;
  /** Reports this pool at every scrape. */
  trackPool(stats: () => PoolStats): void;
  /** Reports the number of live event streams (SSE) this process holds, at every scrape. */
  trackLiveStreams(count: () => number): void;
  /**
   * Reports the backlog at every scrape, read at most once a second however many scrape. A read
   * that fails (database unreachable) reports NaN rather than a stale number.
   */
  trackBacklog(read: () => Promise<Backlog>): void;
}

/** Reads shared by the scrapes of one second (one database round trip for all backlog gauges). */
const BACKLOG_REUSE_MS = 1_000;

/**
 * The metrics of one process, in a registry of its own (with Node.js's process metrics). Create
 * one per process and hand it to what measures.
 */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const requests = new Counter({
    name: "collab_requests_total",
    help: "HiAR REST requests answered, by operation path, HTTP status and HiAR reason (OK on success)",
    labelNames: ["operation", "status", "reason"] as const,
    registers,
  });
  const requestDuration = new Histogram({
    name: "collab_request_duration_seconds",
    help: "Time to answer a HiAR REST request, from its first byte to its answer",
    labelNames: ["operation"] as const,
    buckets: DURATION_BUCKETS,
    registers,
  });

  const unchecked = new Counter({
    name: "collab_rate_limit_unchecked_total",
    help: "REST requests let through without a rate-limit check because the shared store (RATE_LIMIT_STORE) could not be reached",
    registers,
  });

  const timeouts = new Counter({
    name: "collab_ring_clock_timeouts_total",
    help: "Rings timed out by this process's ring clock (members moved to MEMBER_TIMEOUT)",
    registers,
  });
  const lateness = new Histogram({
    name: "collab_ring_clock_lateness_seconds",
    help: "How long past its deadline each ring was when the ring clock timed it out",
    buckets: LATENESS_BUCKETS,
    registers,
  });
  const sweepDuration = new Histogram({
    name: "collab_ring_clock_sweep_duration_seconds",
    help: "Time of one ring-clock sweep statement",
    buckets: DURATION_BUCKETS,
    registers,
  });

  const attempts = new Counter({
    name: "collab_webhook_attempts_total",
    help: "Webhook POSTs made by this process, by outcome (delivered, failed: retried later, abandoned: past the retry window)",
    labelNames: ["outcome"] as const,
    registers,
  });
  const attemptDuration = new Histogram({
    name: "collab_webhook_attempt_duration_seconds",
    help: "Time of one webhook POST, until the receiver answered or the attempt failed",
    buckets: DURATION_BUCKETS,
    registers,
  });
  const deliveryDelay = new Histogram({
    name: "collab_webhook_delivery_delay_seconds",
    help: "From an event's commit to its webhook's acknowledgement by the receiver",
    buckets: DELAY_BUCKETS,
    registers,
  });

  // Gauges read at scrape time: their sources are registered by track*().
  const pools: (() => PoolStats)[] = [];
  new Gauge({
    name: "collab_db_pool_connections",
    help: "The database pool's connections (in_use, idle) and the queries waiting for one (waiting)",
    labelNames: ["state"] as const,
    registers,
    collect() {
      let inUse = 0;
      let idle = 0;
      let waiting = 0;
      for (const stats of pools) {
        const now = stats();
        inUse += now.total - now.idle;
        idle += now.idle;
        waiting += now.waiting;
      }
      this.set({ state: "in_use" }, inUse);
      this.set({ state: "idle" }, idle);
      this.set({ state: "waiting" }, waiting);
    },
  });
  new Gauge({
    name: "collab_db_pool_max",
    help: "The database pool's size limit",
    registers,
    collect() {
      this.set(pools.reduce((sum, stats) => sum + stats().max, 0));
    },
  });

  const streamCounts: (() => number)[] = [];
  new Gauge({
    name: "collab_live_streams",
    help: "Live event streams (server-sent events) this process holds open",
    registers,
    collect() {
      this.set(streamCounts.reduce((sum, count) => sum + count(), 0));
    },
  });

  let readBacklog: (() => Promise<Backlog>) | undefined;
  let recent: { at: number; backlog: Promise<Backlog | null> } | undefined;
  const backlogNow = (): Promise<Backlog | null> | undefined => {
    if (readBacklog === undefined) return undefined;
    const now = performance.now();
    if (recent === undefined || now - recent.at > BACKLOG_REUSE_MS) {
      recent = { at: now, backlog: readBacklog().catch(() => null) };
    }
    return recent.backlog;
  };
  const backlogGauge = (name: string, help: string, pick: (backlog: Backlog) => number) =>
    new Gauge({
      name,
      help,
      registers,
      async collect() {
        const read = backlogNow();
        if (read === undefined) return;
        const backlog = await read;
        this.set(backlog === null ? Number.NaN : pick(backlog));
      },
    });
  backlogGauge("collab_rings_active", "Members ringing now (database-wide)", (b) => b.ringing);
  backlogGauge(
    "collab_rings_overdue",
    "Ringing members past their deadline, not yet timed out (database-wide)",
    (b) => b.overdue,
  );
  backlogGauge(
    "collab_rings_overdue_oldest_seconds",
    "How long past its deadline the oldest overdue ring is (database-wide)",
    (b) => b.overdueOldestSeconds,
  );
  backlogGauge(
    "collab_webhook_pending_events",
    "Events not yet acknowledged by their app's webhook (database-wide)",
    (b) => b.webhookPendingEvents,
  );
  backlogGauge(
    "collab_webhook_pending_streams",
    "Sessions with webhook events to deliver (database-wide)",
    (b) => b.webhookPendingStreams,
  );
  backlogGauge(
    "collab_webhook_oldest_due_seconds",
    "How long the longest-waiting webhook stream has been due (database-wide)",
    (b) => b.webhookOldestDueSeconds,
  );

  return {
    registry,
    observeRequest({ operation, status, reason, seconds }) {
      requests.inc({ operation, status: String(status), reason });
      requestDuration.observe({ operation }, seconds);
    },
    observeRateLimitUnchecked() {
      unchecked.inc();
    },
    observeSweep({ seconds, lateSeconds }) {
      sweepDuration.observe(seconds);
      if (lateSeconds.length === 0) return;
      timeouts.inc(lateSeconds.length);
      for (const late of lateSeconds) lateness.observe(Math.max(0, late));
    },
    observeWebhookAttempt({ outcome, seconds, delaySeconds }) {
      attempts.inc({ outcome });
      attemptDuration.observe(seconds);
      if (delaySeconds !== undefined) deliveryDelay.observe(Math.max(0, delaySeconds));
    },
    trackPool(stats) {
      pools.push(stats);
    },
    trackLiveStreams(count) {
      streamCounts.push(count);
    },
    trackBacklog(read) {
      readBacklog = read;
      recent = undefined;
    },
  };
}
