import type { DbExecutor } from "./executor";

// An app's usage per UTC day: its authenticated REST requests and refusals (app_usage_day, added
// to in batches by each server process) and its rings (counted from session_event, where every
// ring is already an event: nothing more is written per invite).

export interface AppUsageCounts {
  readonly appId: string;
  /** The UTC day, YYYY-MM-DD. */
  readonly day: string;
  readonly requests: number;
  readonly errors: number;
}

/**
 * ONE statement: adds each row's counts to its (app, day). Counts of an app deleted meanwhile are
 * dropped (not an error: the app's usage went with it).
 */
export async function addAppUsage(db: DbExecutor, rows: readonly AppUsageCounts[]): Promise<void> {
  if (rows.length === 0) return;
  await db.$executeRaw`
    INSERT INTO "app_usage_day" ("app_id", "day", "requests", "errors")
    SELECT u.app_id, u.day, u.requests, u.errors
    FROM unnest(${rows.map((r) => r.appId)}::text[], ${rows.map((r) => r.day)}::date[],
                ${rows.map((r) => r.requests)}::int8[], ${rows.map((r) => r.errors)}::int8[])
           AS u(app_id, day, requests, errors)
    JOIN "app" a ON a."id" = u.app_id
    ON CONFLICT ("app_id", "day") DO UPDATE
      SET "requests" = "app_usage_day"."requests" + EXCLUDED."requests",
          "errors" = "app_usage_day"."errors" + EXCLUDED."errors"`;
}

export interface AppUsageDayRow {
  /** YYYY-MM-DD (UTC). */
  readonly day: string;
  readonly requests: number;
  readonly errors: number;
  /** Members rung that day: events that moved a member to MEMBER_CALLING (invites, rings again). */
  readonly rings: number;
}

/**
 * ONE statement: the app's last `days` UTC days, today last, every day present (zeros where
 * nothing happened). A ring is an event that moved a member to MEMBER_CALLING (an invite's first
 * ring or a ring again), read through session_event's (app_id, created_at) index.
 */
export async function readAppUsage(
  db: DbExecutor,
  appId: string,
  options: { readonly days: number },
): Promise<AppUsageDayRow[]> {
  const rows = await db.$queryRaw<
    { day: string; requests: bigint; errors: bigint; rings: bigint }[]
  >`
    WITH days AS (
      SELECT d::date AS day
      FROM generate_series((now() AT TIME ZONE 'UTC')::date - (${options.days}::int - 1),
                           (now() AT TIME ZONE 'UTC')::date, interval '1 day') AS d
    ), rings AS (
      SELECT (e."created_at" AT TIME ZONE 'UTC')::date AS day, count(*) AS rings
      FROM "session_event" e
      WHERE e."app_id" = ${appId}
        AND e."created_at" >= ((now() AT TIME ZONE 'UTC')::date - (${options.days}::int - 1))
                                AT TIME ZONE 'UTC'
        AND e."to_state" = 'MEMBER_CALLING'
      GROUP BY 1
    )
    SELECT to_char(d.day, 'YYYY-MM-DD') AS day,
           coalesce(u."requests", 0) AS requests, coalesce(u."errors", 0) AS errors,
           coalesce(r.rings, 0) AS rings
    FROM days d
    LEFT JOIN "app_usage_day" u ON u."app_id" = ${appId} AND u."day" = d.day
    LEFT JOIN rings r ON r.day = d.day
    ORDER BY d.day`;
  return rows.map((row) => ({
    day: row.day,
    requests: Number(row.requests),
    errors: Number(row.errors),
    rings: Number(row.rings),
  }));
}
