import { cp, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newAppId, newId } from "./ids";
import { migrate } from "./migrate";
import { migrationsDir } from "./paths";
import { sweepDueCallingTimeouts } from "./repositories/members";
import { createTestDatabase, type TestDatabase, testDatabaseTargets } from "./testing";

// Migration `ring_clock` on a database of the time before it: migrated up to the previous
// migration, with graphile-worker's schema (as 0.17.3 installed it) and the calling-timeout jobs
// the old invite queued — pending, stuck (locked by a worker that died) and stale (the member
// answered). Every member ringing at the upgrade keeps its due time; nothing is left behind.

const RING_CLOCK = "20261205173713_ring_clock";
const here = dirname(fileURLToPath(import.meta.url));

/** The invite's job statement before the ring clock (main's scheduleCallingTimeouts), verbatim. */
async function scheduleOldJobs(
  client: pg.Client,
  job: { appId: string; sessionId: string; userIds: string[]; timeoutSeconds: number },
): Promise<number> {
  const { rows } = await client.query(
    `SELECT count(*)::int AS n
     FROM graphile_worker.add_jobs(ARRAY(
       SELECT ROW(
                'member_timeout'::text,
                json_build_object('appId', m."app_id", 'sessionId', m."session_id",
                                  'userId', m."user_id", 'invitedAt', m."invited_at"),
                NULL::text,
                m."invited_at" + make_interval(secs => $4::float8),
                20::int,
                'member_timeout' || ':' || m."session_id" || ':' || m."user_id",
                0,
                NULL::text[]
              )::graphile_worker.job_spec
       FROM "session_member" m
       WHERE m."app_id" = $1
         AND m."session_id" = $2
         AND m."user_id" = ANY($3::text[])
         AND m."member_session_state" = 'MEMBER_CALLING'
         AND m."invited_at" IS NOT NULL
     ))`,
    [job.appId, job.sessionId, job.userIds, job.timeoutSeconds],
  );
  return rows[0].n;
}

// Each test builds databases migration by migration: slow on an embedded PGlite on a loaded machine.
describe.each(testDatabaseTargets())(
  "migration ring_clock on %s",
  { timeout: 180_000 },
  (target) => {
    let db: TestDatabase;
    let client: pg.Client;
    let oldMigrations: string;
    /** Migrations after ring_clock, applied with it. */
    let later: string[] = [];
    const query = async (text: string, values?: unknown[]) =>
      (await client.query(text, values)).rows;

    beforeAll(async () => {
      db = await createTestDatabase({ target, migrate: false });
      client = new pg.Client({ connectionString: db.url });
      await client.connect();
      // The migrations folder as it was before this one (it and every later one removed).
      oldMigrations = await mkdtemp(join(tmpdir(), "collab-old-migrations-"));
      await cp(migrationsDir, oldMigrations, { recursive: true });
      for (const name of await readdir(oldMigrations)) {
        if (/^\d/.test(name) && name >= RING_CLOCK) {
          await rm(join(oldMigrations, name), { recursive: true });
        }
      }
      later = (await readdir(migrationsDir)).filter((n) => /^\d/.test(n) && n > RING_CLOCK).sort();
    });
    afterAll(async () => {
      await client?.end();
      await db?.close();
      if (oldMigrations) await rm(oldMigrations, { recursive: true, force: true });
    });

    it("drains the job queue into calling deadlines, then drops it", async () => {
      await migrate(client, { migrationsDir: oldMigrations });
      await client.query(
        await readFile(join(here, "fixtures", "graphile-worker-0.17.3.sql"), "utf8"),
      );

      // The old state: an app, two collaborations (one with its own 30 s timeout), their sessions.
      const appId = newAppId();
      await query(`INSERT INTO app (id, name, secret) VALUES ($1, 'old', 'secret')`, [appId]);
      const session = async (callingTimeoutSeconds: number) => {
        const [c, s] = [newId(), newId()];
        await query(
          `INSERT INTO collaboration (id, app_id, creator_id, calling_timeout_seconds, updated_at)
         VALUES ($1, $2, 'alice', $3, now())`,
          [c, appId, callingTimeoutSeconds],
        );
        await query(
          `INSERT INTO session (id, app_id, collaboration_id, starter_id, updated_at)
         VALUES ($1, $2, $3, 'alice', now())`,
          [s, appId, c],
        );
        return s;
      };
      const own = await session(30);
      const plain = await session(0);
      const ring = async (sessionId: string, userId: string, state = "MEMBER_CALLING") => {
        await query(
          `INSERT INTO session_member (app_id, session_id, user_id, member_session_state,
                                     invited_by, invited_at, updated_at)
         VALUES ($1, $2, $3, $4::member_session_state, 'alice',
                 now() - interval '10 seconds', now())`,
          [appId, sessionId, userId, state],
        );
      };
      // pending: a job due 45 s after the ring (what the old invite queued).
      await ring(plain, "pending");
      // stuck: its job was locked by a worker killed an hour ago, past due (4 h stale lock).
      await ring(plain, "stuck");
      // answered: its job is still there (the old handler would have skipped it).
      await ring(plain, "answered");
      expect(
        await scheduleOldJobs(client, {
          appId,
          sessionId: plain,
          userIds: ["pending", "stuck", "answered"],
          timeoutSeconds: 45,
        }),
      ).toBe(3);
      await query(
        `UPDATE graphile_worker._private_jobs
          SET locked_at = now() - interval '1 hour', locked_by = 'dead-worker',
              run_at = date_trunc('milliseconds', now() - interval '1 hour'), attempts = 1
        WHERE key = $1`,
        [`member_timeout:${plain}:stuck`],
      );
      await query(
        `UPDATE session_member SET member_session_state = 'MEMBER_TALKING'
        WHERE session_id = $1 AND user_id = 'answered'`,
        [plain],
      );
      // No job (e.g. rung on an embedded database before the queue was installed): the
      // collaboration's own timeout, else 60 s.
      await ring(own, "own-timeout");
      await ring(plain, "default-timeout");
      await ring(plain, "declined", "MEMBER_DECLINE");
      const jobs = await query(
        `SELECT key, run_at FROM graphile_worker._private_jobs ORDER BY key`,
      );
      const runAt = new Map(
        jobs.map((j) => [String(j.key).split(":")[2], (j.run_at as Date).getTime()]),
      );

      const result = await migrate(client);
      expect(result.applied).toEqual([RING_CLOCK, ...later]);

      const rows = await query(
        `SELECT user_id, member_session_state::text AS state, invited_at, calling_deadline
         FROM session_member WHERE app_id = $1`,
        [appId],
      );
      const byUser = new Map(rows.map((r) => [r.user_id as string, r]));
      const deadline = (user: string) =>
        (byUser.get(user)?.calling_deadline as Date | null) ?? null;
      const invited = (user: string) =>
        (byUser.get(user)?.invited_at as Date | undefined)?.getTime() ?? Number.NaN;
      expect(deadline("pending")?.getTime()).toBe(runAt.get("pending"));
      expect(deadline("pending")?.getTime()).toBe(invited("pending") + 45_000);
      expect(deadline("stuck")?.getTime()).toBe(runAt.get("stuck"));
      expect(deadline("own-timeout")?.getTime()).toBe(invited("own-timeout") + 30_000);
      expect(deadline("default-timeout")?.getTime()).toBe(invited("default-timeout") + 60_000);
      expect(deadline("answered")).toBeNull();
      expect(deadline("declined")).toBeNull();

      // The job queue is gone, the ring clock's index and the periodic-task table are there.
      expect(await query(`SELECT to_regnamespace('graphile_worker') IS NULL AS gone`)).toEqual([
        { gone: true },
      ]);
      expect(
        await query(
          `SELECT indexdef FROM pg_indexes WHERE indexname = 'session_member_calling_deadline_idx'`,
        ),
      ).toMatchObject([{ indexdef: expect.stringContaining("WHERE") }]);
      expect(await query(`SELECT to_regclass('periodic_task') IS NOT NULL AS present`)).toEqual([
        { present: true },
      ]);

      // The first sweep times out the member whose job was stuck; the others keep ringing.
      const sweep = await sweepDueCallingTimeouts(db.prisma, {
        batchSize: 100,
        eventType: "member.timeout",
      });
      expect(sweep.timedOut).toEqual([
        { appId, sessionId: plain, userId: "stuck", seq: 1, lateMs: expect.any(Number) },
      ]);
      const states = await query(
        `SELECT user_id, member_session_state::text AS state FROM session_member
        WHERE app_id = $1 ORDER BY user_id`,
        [appId],
      );
      expect(Object.fromEntries(states.map((r) => [r.user_id, r.state]))).toEqual({
        answered: "MEMBER_TALKING",
        declined: "MEMBER_DECLINE",
        "default-timeout": "MEMBER_CALLING",
        "own-timeout": "MEMBER_CALLING",
        pending: "MEMBER_CALLING",
        stuck: "MEMBER_TIMEOUT",
      });
    });

    it("on a database that never had the job queue: every ringing member gets a deadline", async () => {
      // The same migration applied again from scratch on a second database of the old shape.
      const fresh = await createTestDatabase({ target, migrate: false });
      const other = new pg.Client({ connectionString: fresh.url });
      await other.connect();
      try {
        await migrate(other, { migrationsDir: oldMigrations });
        const appId = newAppId();
        const [c, s] = [newId(), newId()];
        await other.query(`INSERT INTO app (id, name, secret) VALUES ($1, 'old', 'secret')`, [
          appId,
        ]);
        await other.query(
          `INSERT INTO collaboration (id, app_id, creator_id, updated_at) VALUES ($1, $2, 'a', now())`,
          [c, appId],
        );
        await other.query(
          `INSERT INTO session (id, app_id, collaboration_id, updated_at) VALUES ($1, $2, $3, now())`,
          [s, appId, c],
        );
        await other.query(
          `INSERT INTO session_member (app_id, session_id, user_id, member_session_state,
                                     invited_at, updated_at)
         VALUES ($1, $2, 'bob', 'MEMBER_CALLING', now(), now())`,
          [appId, s],
        );
        expect((await migrate(other)).applied).toEqual([RING_CLOCK, ...later]);
        const { rows } = await other.query(
          `SELECT calling_deadline - invited_at AS wait FROM session_member WHERE user_id = 'bob'`,
        );
        expect(rows[0].wait).toMatchObject({ minutes: 1 });
      } finally {
        await other.end();
        await fresh.close();
      }
    });
  },
);
