import { randomUUID } from "node:crypto";
import {
  type ClaimedWebhookStream,
  claimDueWebhookStreams,
  type Database,
  readWebhookBatch,
  recordWebhookAttempt,
  releaseWebhookStream,
  type SessionEventSignal,
  sessionEventSignalFor,
  type WebhookEventRow,
  type WebhookOutcome,
} from "@collab/db";
import type { Metrics } from "@collab/metrics";
import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { describeError, type WorkerLog } from "../log";
import { type Loop, type LoopReport, loopRetryDelayMs, startLoop } from "../loop";
import { type WebhookSettings, webhookLeaseMs } from "../settings";
import { retryDelayMs } from "./backoff";
import { postWebhook, webhookEventBody } from "./deliver";

// Delivers the webhook outbox (README "Webhooks"). Each tick leases due streams (one per session)
// with FOR UPDATE SKIP LOCKED + a lease token, so however many workers run, a stream is delivered
// by one at a time; within a stream events go strictly in seq order and the cursor only moves
// past an event once the receiver acknowledged it (or it was abandoned after the retry window):
// at least once, in order per session. Claims are fair across apps (round-robin, at most
// `maxConcurrentPerApp` streams of one app at once), so one app's dead receiver cannot starve
// another app. A failure stops the stream and schedules its retry with exponential backoff;
// nothing here runs inside a request, and no row lock is held during a POST. A worker that dies
// or loses its database mid-delivery holds nothing but its lease: once that expires, any worker
// takes the stream over from the cursor.

/**
 * Claims start at least this far apart. The loop wakes on every commit signal; at a steady
 * invite rate each wake was one claim statement per invite, paid by each invite (at full load
 * they coalesce). Measured with the REST path at half its throughput: database CPU per invite
 * 3.2–4.5 → 2.7–3.0 ms, p99 80–200 → 49–50 ms. A delivery is at most this much later.
 */
export const CLAIM_GAP_MS = 20;

export const WEBHOOK_OUTBOX = "webhook outbox";

export interface WebhookDispatcher {
  /**
   * One pass: claims due streams (up to the free delivery slots) and starts delivering them;
   * resolves to how many were claimed. `idle()` waits for the deliveries.
   */
  tick(): Promise<number>;
  /** Resolves once no delivery is in flight. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export function startWebhookDispatcher(options: {
  readonly db: Database;
  readonly settings: WebhookSettings;
  readonly pollIntervalMs: number;
  readonly log: WorkerLog;
  /** Start the polling loop (default true); false leaves `tick()` to the caller (tests). */
  readonly loop?: boolean;
  /** Backoff of the polling loop after a failed claim (database down). */
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  readonly report?: LoopReport;
  /**
   * Wakes the polling loop when session events are committed (in any process, on PostgreSQL), so
   * an idle deployment delivers at once rather than at the next poll. Default: the database
   * client's signal; null: poll only.
   */
  readonly signal?: SessionEventSignal | null;
  readonly metrics?: Metrics;
}): WebhookDispatcher {
  const { db, settings, log } = options;
  // A lease outlives a whole batch of timed-out attempts, so it never expires mid-batch unless
  // the process stalls or loses its database; then another worker takes over (at least once,
  // still in order).
  const leaseMs = webhookLeaseMs(settings);
  const retryBaseMs = options.retryBaseMs ?? 100;
  const retryMaxMs = options.retryMaxMs ?? 2_000;
  let stopped = false;
  const tracer = trace.getTracer("@collab/worker");

  async function deliverStream(stream: ClaimedWebhookStream, token: string): Promise<void> {
    const key = { appId: stream.appId, sessionId: stream.sessionId };
    const batch = await readWebhookBatch(db, {
      ...key,
      afterSeq: stream.deliveredSeq,
      limit: settings.batchSize,
    });
    if (batch.app === null) return; // the app is gone (its streams with it)
    const url = batch.app.url;
    if (url === null) {
      // The webhook was removed: what is pending is not delivered anywhere.
      await releaseWebhookStream(db, { ...key, token, skipPending: true });
      return;
    }
    const secret = batch.app.secret;
    let failures = stream.attempts;
    for (const event of batch.events) {
      // Stopping: finish the POST in flight, start no other; the stream is due again at once.
      if (stopped) break;
      const attempt = failures + 1;
      const next = await tracer.startActiveSpan(
        "webhook POST",
        {
          kind: SpanKind.CLIENT,
          attributes: {
            "hiar.app_id": stream.appId,
            "hiar.session_id": stream.sessionId,
            "hiar.event.seq": event.seq,
            "hiar.event.type": event.type,
            "webhook.attempt": attempt,
          },
        },
        async (span) => {
          try {
            const outcome = await deliverEvent(stream, token, url, secret, event, attempt);
            span.setAttribute("webhook.outcome", outcome.outcome);
            if (outcome.httpStatus !== null) {
              span.setAttribute("http.response.status_code", outcome.httpStatus);
            }
            if (outcome.outcome !== "DELIVERED") span.setStatus({ code: SpanStatusCode.ERROR });
            return outcome.next;
          } finally {
            span.end();
          }
        },
      );
      if (next === "stop") return;
      failures = 0;
    }
    await releaseWebhookStream(db, { ...key, token });
  }

  /**
   * One attempt at one event: the POST, its record (which moves the cursor unless it failed) and
   * whether the stream goes on: "stop" when it failed (it waits for its retry) or when our lease
   * expired (another worker owns the stream now).
   */
  async function deliverEvent(
    stream: ClaimedWebhookStream,
    token: string,
    url: string,
    secret: string,
    event: WebhookEventRow,
    attempt: number,
  ): Promise<{ outcome: WebhookOutcome; httpStatus: number | null; next: "go on" | "stop" }> {
    const key = { appId: stream.appId, sessionId: stream.sessionId };
    {
      const result = await postWebhook({
        url,
        appId: stream.appId,
        secret,
        body: webhookEventBody(stream.appId, stream.sessionId, event),
        attempt,
        timeoutMs: settings.timeoutMs,
        allowPrivateNetworks: settings.allowPrivateNetworks,
      });
      const now = Date.now();
      const expired = now >= event.createdAt.getTime() + settings.maxAgeMs;
      const outcome: WebhookOutcome = result.ok ? "DELIVERED" : expired ? "ABANDONED" : "FAILED";
      options.metrics?.observeWebhookAttempt({
        outcome: result.ok ? "delivered" : expired ? "abandoned" : "failed",
        seconds: result.durationMs / 1_000,
        ...(result.ok ? { delaySeconds: (now - event.createdAt.getTime()) / 1_000 } : {}),
      });
      const retryAt =
        outcome === "FAILED"
          ? new Date(
              Math.min(
                now + retryDelayMs(attempt, settings),
                event.createdAt.getTime() + settings.maxAgeMs,
              ),
            )
          : null;
      const held = await recordWebhookAttempt(db, {
        ...key,
        token,
        retryAt,
        attempt: {
          eventId: event.id,
          seq: event.seq,
          eventType: event.type,
          url,
          attempt,
          outcome,
          httpStatus: result.httpStatus,
          durationMs: result.durationMs,
          error: result.error,
        },
      });
      if (result.refused) {
        // Retried like any failure: the URL, its DNS or the setting may be fixed in the window.
        log.warn(
          {
            app: stream.appId,
            session: stream.sessionId,
            seq: event.seq,
            attempt,
            err: result.error,
          },
          "webhook destination refused: not a public address",
        );
      }
      if (outcome === "ABANDONED") {
        log.warn(
          { app: stream.appId, session: stream.sessionId, seq: event.seq, attempt },
          "webhook event abandoned after the retry window",
        );
      }
      const next = !held || outcome === "FAILED" ? "stop" : "go on";
      return { outcome, httpStatus: result.httpStatus, next };
    }
  }

  // Streams being delivered by this worker. A slow receiver occupies one slot, not the loop:
  // other due streams are claimed into the free slots meanwhile.
  const inFlight = new Set<Promise<void>>();
  let loop: Loop | undefined;

  async function tick(): Promise<number> {
    const free = settings.concurrency - inFlight.size;
    if (free <= 0 || stopped) return 0;
    const token = randomUUID();
    const streams = await claimDueWebhookStreams(db, {
      limit: free,
      perAppLimit: settings.maxConcurrentPerApp,
      leaseMs,
      token,
    });
    for (const stream of streams) {
      // Never rejects: nobody awaits a delivery except stop(), so a rejection would go unhandled.
      const delivery: Promise<void> = (async () => {
        try {
          await deliverStream(stream, token);
        } catch (error) {
          // The cursor has not moved past the event the failure interrupted: nothing is lost.
          try {
            log.error(
              { app: stream.appId, session: stream.sessionId, err: describeError(error) },
              "webhook delivery interrupted; the stream is retried from its cursor",
            );
          } catch {
            // a log that throws changes nothing here
          }
          await releaseAfterFailure(stream, token);
        }
      })().finally(() => {
        inFlight.delete(delivery);
        loop?.wake();
      });
      inFlight.add(delivery);
    }
    return streams.length;
  }

  /**
   * Gives the lease of an interrupted delivery back as soon as the database answers again, so the
   * stream resumes then rather than when the lease expires (which it still does, should this
   * process stop or die first). Fenced by the token like every write after the claim.
   */
  async function releaseAfterFailure(stream: ClaimedWebhookStream, token: string): Promise<void> {
    const giveUpAt = Date.now() + leaseMs;
    for (let attempt = 1; !stopped && Date.now() < giveUpAt; attempt++) {
      try {
        await releaseWebhookStream(db, { appId: stream.appId, sessionId: stream.sessionId, token });
        return;
      } catch {
        await new Promise((resolve) =>
          setTimeout(resolve, loopRetryDelayMs(attempt, { retryBaseMs, retryMaxMs })),
        );
      }
    }
  }

  async function idle(): Promise<void> {
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  }

  let stopSignal: (() => void) | undefined;
  if (options.loop !== false) {
    const signal = options.signal === undefined ? sessionEventSignalFor(db) : options.signal;
    stopSignal = signal?.onSignal(() => loop?.wake());
    loop = startLoop({
      name: WEBHOOK_OUTBOX,
      retryBaseMs,
      retryMaxMs,
      log,
      report: options.report,
      minGapMs: CLAIM_GAP_MS,
      async pass() {
        const claimed = await tick();
        // Claimed some with slots to spare: more may be due, look again at once. Otherwise wait
        // for the poll interval, or for a slot to free (wake) when all are busy.
        if (claimed > 0 && inFlight.size < settings.concurrency) return 0;
        return options.pollIntervalMs;
      },
    });
  }

  return {
    tick,
    idle,
    async stop() {
      stopped = true;
      stopSignal?.();
      await loop?.stop();
      await idle();
    },
  };
}
