import { newAppId, newSecret } from "@collab/db";
import type pg from "pg";
import { benchSecretBox } from "../secret-encryption";

// The data the cases run on, written with plain SQL because thousands of sessions must be ready
// in well under a second (POST /create would take minutes).

export interface BenchApp {
  readonly id: string;
  readonly secret: string;
}

/** A session to invite into, with its collaboration. */
export interface InviteTarget {
  readonly collaborationId: string;
  readonly sessionId: string;
}

/** Who invites in every session: a member who is talking (so counted against the limit). */
export const INVITER_ID = "inviter";

export async function createBenchApp(db: pg.Pool): Promise<BenchApp> {
  const app = { id: newAppId(), secret: newSecret() };
  await db.query(`INSERT INTO "app" ("id", "name", "secret") VALUES ($1, 'bench', $2)`, [
    app.id,
    // Encrypted under the run's key with --encrypt-secrets.
    benchSecretBox().seal(app.id, app.secret),
  ]);
  return app;
}

/**
 * `count` new collaborations, each with one started session whose only member is the inviter.
 * `callingTimeoutSeconds` is the collaborations' own calling timeout (ruleSettings.callingTimeout,
 * whole seconds); 0, the default, leaves it to the deployment's (HIAR_CALLING_TIMEOUT_SECONDS).
 */
export async function provisionTargets(
  db: pg.Pool,
  appId: string,
  count: number,
  callingTimeoutSeconds = 0,
): Promise<InviteTarget[]> {
  const { rows } = await db.query<{ cid: string; sid: string }>(
    `WITH ids AS MATERIALIZED (
       SELECT g, md5(random()::text || clock_timestamp()::text || g) AS cid,
                 md5(g || random()::text || clock_timestamp()::text) AS sid
       FROM generate_series(1, $2::int) AS g
     ), c AS (
       INSERT INTO "collaboration" ("id", "app_id", "creator_id", "calling_timeout_seconds",
                                    "updated_at")
       SELECT cid, $1, $3, $4::int, now() FROM ids
     ), s AS (
       INSERT INTO "session" ("id", "app_id", "collaboration_id", "state", "starter_id",
                              "updated_at")
       SELECT sid, $1, cid, 'SESSION_START', $3, now() FROM ids
     ), m AS (
       INSERT INTO "session_member" ("app_id", "session_id", "user_id", "member_session_state",
                                     "updated_at")
       SELECT $1, sid, $3, 'MEMBER_TALKING', now() FROM ids
     )
     SELECT cid, sid FROM ids ORDER BY g`,
    [appId, count, INVITER_ID, callingTimeoutSeconds],
  );
  return rows.map((row) => ({ collaborationId: row.cid, sessionId: row.sid }));
}

/**
 * Empties what the invites write, so every case starts from the same small database (CASCADE:
 * tables other features add that point at sessions are emptied too). The app stays.
 */
export async function resetInviteData(db: pg.Pool): Promise<void> {
  // The rings' deadlines are session_member rows too (calling_deadline): nothing else to empty.
  await db.query(
    `TRUNCATE "session_event", "session_member", "session", "collaboration", "nonce" CASCADE`,
  );
}

/** Fresh planner statistics after bulk changes. */
export async function analyze(db: pg.Pool): Promise<void> {
  await db.query(`ANALYZE "collaboration", "session", "session_member", "session_event", "nonce"`);
}

/** What the invites of one case wrote, to prove each request rang members not yet in its session. */
export async function countInviteEvents(
  db: pg.Pool,
): Promise<{ invited: number; rungAgain: number }> {
  const { rows } = await db.query<{ invited: number; rung_again: number }>(
    `SELECT count(*) FILTER (WHERE "type" = 'member.invited')::int AS invited,
            count(*) FILTER (WHERE "type" = 'member.rung_again')::int AS rung_again
     FROM "session_event"`,
  );
  return { invited: rows[0]?.invited ?? 0, rungAgain: rows[0]?.rung_again ?? 0 };
}
