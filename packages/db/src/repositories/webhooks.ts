import type { MemberSessionState, WebhookOutcome } from "../generated/prisma/client";
import { appSecretBox, type SecretBox } from "../secret-box";
import { type SessionEventRow, toSessionEventRow } from "./events";
import type { DbExecutor } from "./executor";

// The webhook outbox. session_event is the outbox; webhook_stream (one row per session whose app
// has a webhook, kept by a trigger on session_event) is the delivery cursor; webhook_attempt logs
// every attempt. A worker claims due streams with FOR UPDATE SKIP LOCKED and a lease (a token and
// an expiry), so each stream is delivered by one worker at a time, in seq order, and no row lock
// is held during an HTTP call. Statements that change a stream after the claim are fenced by the
// lease token: a worker whose lease expired cannot move the cursor any more.

/** The app's webhook URL (null = none); null when the app does not exist. */
export async function findAppWebhook(
  db: DbExecutor,
  appId: string,
): Promise<{ readonly url: string | null } | null> {
  const rows = await db.$queryRaw<{ url: string | null }[]>`
    SELECT a."webhook_url" AS url FROM "app" a WHERE a."id" = ${appId}`;
  const row = rows[0];
  return row === undefined ? null : { url: row.url };
}

/**
 * ONE statement: sets (or with null clears) the app's webhook URL; false when the app does not
 * exist. Events appended from now on reach the outbox; clearing it stops new ones (streams with
 * events still pending are dropped by the worker, which finds no URL).
 */
export async function setAppWebhookUrl(
  db: DbExecutor,
  appId: string,
  url: string | null,
): Promise<boolean> {
  const count = await db.$executeRaw`
    UPDATE "app" SET "webhook_url" = ${url} WHERE "id" = ${appId}`;
  return count > 0;
}

export interface WebhookStreamKey {
  readonly appId: string;
  readonly sessionId: string;
}

export interface ClaimedWebhookStream extends WebhookStreamKey {
  readonly deliveredSeq: number;
  readonly lastSeq: number;
  /** Failed attempts of the next event so far. */
  readonly attempts: number;
}

/**
 * ONE statement: leases up to `limit` due streams (due_at ≤ now, no live lease) to `token` for
 * `leaseMs`, fairly across apps: an app never holds more than `perAppLimit` live leases (counted
 * over every worker), and the due streams are taken round-robin — every app's oldest due stream
 * first, then every app's second, … — so one app's backlog (or its receiver that never answers)
 * cannot take the slots another app's first event needs. Rows another worker is claiming at the
 * same moment are skipped (SKIP LOCKED), so two workers never get one stream.
 */
export async function claimDueWebhookStreams(
  db: DbExecutor,
  claim: {
    readonly limit: number;
    readonly perAppLimit: number;
    readonly leaseMs: number;
    readonly token: string;
  },
): Promise<ClaimedWebhookStream[]> {
  const rows = await db.$queryRaw<
    {
      app_id: string;
      session_id: string;
      delivered_seq: number;
      last_seq: number;
      attempts: number;
    }[]
  >`
    WITH busy AS (
      SELECT w."app_id", count(*)::int AS n
      FROM "webhook_stream" w
      WHERE w."lease_until" >= now()
      GROUP BY w."app_id"
    ), ranked AS (
      SELECT w."app_id", w."session_id", w."due_at",
             row_number() OVER (PARTITION BY w."app_id"
                                ORDER BY w."due_at", w."session_id")::int AS turn
      FROM "webhook_stream" w
      WHERE w."due_at" <= now()
        AND (w."lease_until" IS NULL OR w."lease_until" < now())
    ), picked AS (
      SELECT r."app_id", r."session_id", r.turn, r."due_at"
      FROM ranked r
      LEFT JOIN busy b ON b."app_id" = r."app_id"
      WHERE r.turn <= ${claim.perAppLimit}::int - coalesce(b.n, 0)
      ORDER BY r.turn, r."due_at"
      LIMIT ${claim.limit}::int
    ), due AS (
      SELECT w."app_id", w."session_id"
      FROM "webhook_stream" w
      JOIN picked p ON p."app_id" = w."app_id" AND p."session_id" = w."session_id"
      WHERE w."due_at" <= now()
        AND (w."lease_until" IS NULL OR w."lease_until" < now())
      FOR UPDATE OF w SKIP LOCKED
    )
    UPDATE "webhook_stream" w
       SET "lease_token" = ${claim.token},
           "lease_until" = now() + make_interval(secs => ${claim.leaseMs / 1000}::float8),
           "updated_at" = now()
      FROM due
     WHERE w."app_id" = due."app_id" AND w."session_id" = due."session_id"
    RETURNING w."app_id" AS app_id, w."session_id" AS session_id,
              w."delivered_seq" AS delivered_seq, w."last_seq" AS last_seq,
              w."attempts" AS attempts`;
  return rows.map((row) => ({
    appId: row.app_id,
    sessionId: row.session_id,
    deliveredSeq: row.delivered_seq,
    lastSeq: row.last_seq,
    attempts: row.attempts,
  }));
}

/** A session event as the webhook delivers it: the timeline's row plus its ids. */
export interface WebhookEventRow extends SessionEventRow {
  /** session_event.id: unique, the webhook's event id. */
  readonly id: bigint;
  readonly collaborationId: string;
}

export interface WebhookBatch {
  /** Null when the app is gone. */
  readonly app: { readonly url: string | null; readonly secret: string } | null;
  /** The next events after `afterSeq`, in seq order. */
  readonly events: readonly WebhookEventRow[];
}

/**
 * ONE statement: the app's URL and current secret (the newest: webhooks are signed with it, also
 * during a rotation's overlap; decrypted with `box`, default the deployment's), and the session's
 * next `limit` events.
 */
export async function readWebhookBatch(
  db: DbExecutor,
  query: WebhookStreamKey & {
    readonly afterSeq: number;
    readonly limit: number;
    readonly box?: SecretBox;
  },
): Promise<WebhookBatch> {
  const rows = await db.$queryRaw<
    {
      url: string | null;
      secret: string;
      id: bigint | null;
      collaboration_id: string | null;
      seq: number | null;
      type: string | null;
      actor_id: string | null;
      subject_id: string | null;
      from_state: MemberSessionState | null;
      to_state: MemberSessionState | null;
      trace_id: string | null;
      payload: unknown;
      created_at: Date | null;
    }[]
  >`
    SELECT a."webhook_url" AS url, a."secret" AS secret, e.*
    FROM "app" a
    LEFT JOIN LATERAL (
      SELECT ev."id" AS id, s."collaboration_id" AS collaboration_id, ev."seq" AS seq,
             ev."type" AS type, ev."actor_id" AS actor_id, ev."subject_id" AS subject_id,
             ev."from_state"::text AS from_state, ev."to_state"::text AS to_state,
             ev."trace_id" AS trace_id, ev."payload" AS payload, ev."created_at" AS created_at
      FROM "session_event" ev
      JOIN "session" s ON s."app_id" = ev."app_id" AND s."id" = ev."session_id"
      WHERE ev."app_id" = a."id"
        AND ev."session_id" = ${query.sessionId}
        AND ev."seq" > ${query.afterSeq}::int
      ORDER BY ev."seq"
      LIMIT ${query.limit}::int
    ) e ON true
    WHERE a."id" = ${query.appId}
    ORDER BY e."seq"`;
  const first = rows[0];
  if (first === undefined) return { app: null, events: [] };
  const events: WebhookEventRow[] = [];
  for (const row of rows) {
    if (row.id === null || row.seq === null || row.type === null || row.created_at === null) {
      continue;
    }
    events.push({
      id: row.id,
      collaborationId: row.collaboration_id ?? "",
      ...toSessionEventRow({ ...row, seq: row.seq, type: row.type, created_at: row.created_at }),
    });
  }
  const secret = (query.box ?? appSecretBox()).open(query.appId, first.secret);
  return { app: { url: first.url, secret }, events };
}

export interface WebhookAttemptRecord {
  readonly eventId: bigint;
  readonly seq: number;
  readonly eventType: string;
  readonly url: string;
  /** 1 for the event's first attempt. */
  readonly attempt: number;
  readonly outcome: WebhookOutcome;
  readonly httpStatus: number | null;
  readonly durationMs: number;
  readonly error: string | null;
}

/**
 * ONE statement: logs an attempt and moves the stream accordingly, if `token` still holds its
 * lease: DELIVERED / ABANDONED advance delivered_seq past the event and reset the failure count
 * (the lease is kept for the next event); FAILED counts the failure, schedules the retry at
 * `retryAt` and releases the lease. The attempt is logged either way. Returns whether the lease
 * was still held (false: another worker owns the stream now; stop).
 */
export async function recordWebhookAttempt(
  db: DbExecutor,
  record: WebhookStreamKey & {
    readonly token: string;
    readonly attempt: WebhookAttemptRecord;
    /** For FAILED: when to try again. */
    readonly retryAt?: Date | null;
  },
): Promise<boolean> {
  const a = record.attempt;
  const failed = a.outcome === "FAILED";
  const rows = await db.$queryRaw<{ held: number }[]>`
    WITH logged AS (
      INSERT INTO "webhook_attempt"
        ("app_id", "session_id", "event_id", "seq", "event_type", "url", "attempt", "outcome",
         "http_status", "duration_ms", "error")
      VALUES (${record.appId}, ${record.sessionId}, ${a.eventId}, ${a.seq}::int, ${a.eventType},
              ${a.url}, ${a.attempt}::int, ${a.outcome}::"webhook_outcome", ${a.httpStatus}::int,
              ${a.durationMs}::int, ${a.error})
    ), moved AS (
      UPDATE "webhook_stream" w
         SET "delivered_seq" = CASE WHEN ${failed}::boolean THEN w."delivered_seq"
                                    ELSE GREATEST(w."delivered_seq", ${a.seq}::int) END,
             "attempts" = CASE WHEN ${failed}::boolean THEN w."attempts" + 1 ELSE 0 END,
             "last_error" = ${a.error},
             "due_at" = CASE WHEN ${failed}::boolean THEN ${record.retryAt ?? null}::timestamptz
                             ELSE w."due_at" END,
             "lease_token" = CASE WHEN ${failed}::boolean THEN NULL ELSE w."lease_token" END,
             "lease_until" = CASE WHEN ${failed}::boolean THEN NULL ELSE w."lease_until" END,
             "updated_at" = now()
       WHERE w."app_id" = ${record.appId}
         AND w."session_id" = ${record.sessionId}
         AND w."lease_token" = ${record.token}
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM moved)::int AS held`;
  return (rows[0]?.held ?? 0) > 0;
}

/**
 * ONE statement: ends a lease after a successful run: due again now if events arrived meanwhile
 * (last_seq > delivered_seq), otherwise idle (due_at NULL). With `skipPending` (the app has no
 * URL any more) the pending events are dropped instead. Fenced by the token.
 */
export async function releaseWebhookStream(
  db: DbExecutor,
  release: WebhookStreamKey & { readonly token: string; readonly skipPending?: boolean },
): Promise<boolean> {
  const count = await db.$executeRaw`
    UPDATE "webhook_stream" w
       SET "delivered_seq" = CASE WHEN ${release.skipPending === true}::boolean
                                  THEN GREATEST(w."delivered_seq", w."last_seq")
                                  ELSE w."delivered_seq" END,
           "due_at" = CASE WHEN ${release.skipPending === true}::boolean THEN NULL
                           WHEN w."last_seq" > w."delivered_seq" THEN now()
                           ELSE NULL END,
           "lease_token" = NULL,
           "lease_until" = NULL,
           "updated_at" = now()
     WHERE w."app_id" = ${release.appId}
       AND w."session_id" = ${release.sessionId}
       AND w."lease_token" = ${release.token}`;
  return count > 0;
}

export interface WebhookStatus {
  /** Sessions with events not yet delivered. */
  readonly pendingSessions: number;
  /** Of those, sessions whose next event has failed at least once. */
  readonly failingSessions: number;
  /** Events not yet delivered, over all sessions. */
  readonly pendingEvents: number;
}

/** ONE statement: the app's outbox backlog. */
export async function webhookStatus(db: DbExecutor, appId: string): Promise<WebhookStatus> {
  const rows = await db.$queryRaw<{ pending: number; failing: number; events: number }[]>`
    SELECT count(*) FILTER (WHERE w."last_seq" > w."delivered_seq")::int AS pending,
           count(*) FILTER (WHERE w."last_seq" > w."delivered_seq" AND w."attempts" > 0)::int
             AS failing,
           coalesce(sum(GREATEST(w."last_seq" - w."delivered_seq", 0)), 0)::int AS events
    FROM "webhook_stream" w
    WHERE w."app_id" = ${appId}`;
  const row = rows[0];
  return {
    pendingSessions: row?.pending ?? 0,
    failingSessions: row?.failing ?? 0,
    pendingEvents: row?.events ?? 0,
  };
}

/** A logged attempt, as the console lists them. */
export interface WebhookAttemptRow extends WebhookAttemptRecord {
  readonly id: bigint;
  readonly sessionId: string;
  readonly createdAt: Date;
}

/** ONE statement: the app's attempts, newest first, before `beforeId` when given. */
export async function listWebhookAttempts(
  db: DbExecutor,
  query: {
    readonly appId: string;
    readonly limit: number;
    readonly beforeId?: bigint | null;
    readonly sessionId?: string | null;
  },
): Promise<WebhookAttemptRow[]> {
  const rows = await db.$queryRaw<
    {
      id: bigint;
      session_id: string;
      event_id: bigint;
      seq: number;
      event_type: string;
      url: string;
      attempt: number;
      outcome: WebhookOutcome;
      http_status: number | null;
      duration_ms: number;
      error: string | null;
      created_at: Date;
    }[]
  >`
    SELECT t."id", t."session_id", t."event_id", t."seq", t."event_type", t."url", t."attempt",
           t."outcome"::text AS outcome, t."http_status", t."duration_ms", t."error", t."created_at"
    FROM "webhook_attempt" t
    WHERE t."app_id" = ${query.appId}
      AND (${query.beforeId ?? null}::bigint IS NULL OR t."id" < ${query.beforeId ?? null}::bigint)
      AND (${query.sessionId ?? null}::text IS NULL OR t."session_id" = ${query.sessionId ?? null})
    ORDER BY t."id" DESC
    LIMIT ${query.limit}::int`;
  return rows.map((row) => ({
    id: row.id,
    sessionId: row.session_id,
    eventId: row.event_id,
    seq: row.seq,
    eventType: row.event_type,
    url: row.url,
    attempt: row.attempt,
    outcome: row.outcome,
    httpStatus: row.http_status,
    durationMs: row.duration_ms,
    error: row.error,
    createdAt: row.created_at,
  }));
}

/**
 * Deletes attempts logged before `olderThan`, at most `batchSize` per statement, oldest first;
 * returns how many. Ids grow with time, so each statement looks only at the `batchSize` lowest
 * ids (a primary-key range, no index on created_at needed) and the loop stops at the first batch
 * that is not entirely old. Safe from any instance at any time: attempts are only appended.
 */
export async function purgeWebhookAttempts(
  db: DbExecutor,
  options: { readonly olderThan: Date; readonly batchSize?: number },
): Promise<number> {
  const batchSize = options.batchSize ?? 5_000;
  let total = 0;
  for (;;) {
    const deleted = await db.$executeRaw`
      DELETE FROM "webhook_attempt"
      WHERE "id" IN (SELECT "id" FROM "webhook_attempt" ORDER BY "id" LIMIT ${batchSize}::int)
        AND "created_at" < ${options.olderThan}`;
    total += deleted;
    if (deleted < batchSize) return total;
  }
}
