import type { DbExecutor } from "./executor";

// The workers' backlog, for metrics: rings the ring clock has not timed out yet and webhook
// events not yet acknowledged. Database-wide, so any process may read it; both halves are served
// by indexes that exist for the workers anyway (the partial index on ringing members' deadlines,
// webhook_stream's due_at index).

export interface WorkerBacklog {
  readonly ringing: number;
  readonly overdue: number;
  readonly overdueOldestSeconds: number;
  readonly webhookPendingEvents: number;
  readonly webhookPendingStreams: number;
  readonly webhookOldestDueSeconds: number;
}

/** ONE statement: the ring clock's and the webhook outbox's backlog now (database clock). */
export async function readWorkerBacklog(db: DbExecutor): Promise<WorkerBacklog> {
  const rows = await db.$queryRaw<
    {
      ringing: number;
      overdue: number;
      overdue_oldest_s: number;
      pending_events: number;
      pending_streams: number;
      oldest_due_s: number;
    }[]
  >`
    SELECT r.ringing, r.overdue, r.overdue_oldest_s,
           w.pending_events, w.pending_streams, w.oldest_due_s
    FROM (
      SELECT count(*)::int AS ringing,
             (count(*) FILTER (WHERE m."calling_deadline" <= now()))::int AS overdue,
             coalesce(extract(epoch FROM now() - min(m."calling_deadline")
                              FILTER (WHERE m."calling_deadline" <= now())), 0)::float8
               AS overdue_oldest_s
      FROM "session_member" m
      WHERE m."member_session_state" = 'MEMBER_CALLING' AND m."calling_deadline" IS NOT NULL
    ) r, (
      SELECT coalesce(sum(ws."last_seq" - ws."delivered_seq"), 0)::int AS pending_events,
             count(*)::int AS pending_streams,
             coalesce(GREATEST(0, extract(epoch FROM now() - min(ws."due_at"))), 0)::float8
               AS oldest_due_s
      FROM "webhook_stream" ws
      WHERE ws."due_at" IS NOT NULL
    ) w`;
  const row = rows[0];
  return {
    ringing: row?.ringing ?? 0,
    overdue: row?.overdue ?? 0,
    overdueOldestSeconds: row?.overdue_oldest_s ?? 0,
    webhookPendingEvents: row?.pending_events ?? 0,
    webhookPendingStreams: row?.pending_streams ?? 0,
    webhookOldestDueSeconds: row?.oldest_due_s ?? 0,
  };
}
