import { randomUUID } from "node:crypto";
import {
  type ClaimedWebhookStream,
  claimDueWebhookStreams,
  type Database,
  readWebhookBatch,
  recordWebhookAttempt,
  releaseWebhookStream,
  type WebhookOutcome,
} from "@collab/db";
import { describeError, type WorkerLog } from "../log";
import type { WebhookSettings } from "../settings";
import { retryDelayMs } from "./backoff";
import { postWebhook, webhookEventBody } from "./deliver";

// Delivers the webhook outbox (README "Webhooks"). Each tick leases due streams (one per session)
// with FOR UPDATE SKIP LOCKED + a lease token, so however many workers run, a stream is delivered
// by one at a time; within a stream events go strictly in seq order and the cursor only moves
// past an event once the receiver acknowledged it (or it was abandoned after the retry window):
// at least once, in order per session. A failure stops the stream and schedules its retry with
// exponential backoff; nothing here runs inside a request, and no row lock is held during a POST.

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
}): WebhookDispatcher {
  const { db, settings, log } = options;
  // A lease outlives a whole batch of timed-out attempts, so it never expires mid-batch unless
  // the process stalls; then another worker takes over (at least once, still in order).
  const leaseMs = settings.batchSize * (settings.timeoutMs + 1_000) + 30_000;

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
    let failures = stream.attempts;
    for (const event of batch.events) {
      const attempt = failures + 1;
      const result = await postWebhook({
        url,
        appId: stream.appId,
        secret: batch.app.secret,
        body: webhookEventBody(stream.appId, stream.sessionId, event),
        attempt,
        timeoutMs: settings.timeoutMs,
        allowPrivateNetworks: settings.allowPrivateNetworks,
      });
      const now = Date.now();
      const expired = now >= event.createdAt.getTime() + settings.maxAgeMs;
      const outcome: WebhookOutcome = result.ok ? "DELIVERED" : expired ? "ABANDONED" : "FAILED";
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
      if (!held) return; // our lease expired: another worker owns the stream now
      if (outcome === "FAILED") return; // the stream waits for its retry (lease released)
      failures = 0;
    }
    await releaseWebhookStream(db, { ...key, token });
  }

  let stopped = false;
  let wake: (() => void) | undefined;
  // Streams being delivered by this worker. A slow receiver occupies one slot, not the loop:
  // other due streams are claimed into the free slots meanwhile.
  const inFlight = new Set<Promise<void>>();

  async function tick(): Promise<number> {
    const free = settings.concurrency - inFlight.size;
    if (free <= 0) return 0;
    const token = randomUUID();
    const streams = await claimDueWebhookStreams(db, { limit: free, leaseMs, token });
    for (const stream of streams) {
      const delivery: Promise<void> = deliverStream(stream, token)
        .catch((error: unknown) => {
          // The lease runs out and the stream is retried; the cursor has not moved past it.
          log.error(
            { app: stream.appId, session: stream.sessionId, err: describeError(error) },
            "webhook delivery failed",
          );
        })
        .finally(() => {
          inFlight.delete(delivery);
          wake?.();
        });
      inFlight.add(delivery);
    }
    return streams.length;
  }

  async function idle(): Promise<void> {
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  }

  const loop = (async () => {
    if (options.loop === false) return;
    while (!stopped) {
      let claimed = 0;
      try {
        claimed = await tick();
      } catch (error) {
        log.error({ err: describeError(error) }, "webhook outbox poll failed");
      }
      // Claimed some with slots to spare: more may be due, look again at once. Otherwise wait
      // for the poll interval, or for a slot to free when all are busy.
      if (stopped) continue;
      if (claimed > 0 && inFlight.size < settings.concurrency) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.pollIntervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  })();

  return {
    tick,
    idle,
    async stop() {
      stopped = true;
      wake?.();
      await loop;
      await idle();
    },
  };
}
