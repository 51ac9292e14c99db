import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Prisma } from "./generated/prisma/client";
import { readInviteSnapshot } from "./repositories/members";
import { lockSession } from "./repositories/sessions";
import { createTestDatabase, type TestDatabase, testDatabaseTargets } from "./testing";
import { captureStatement, seedPlanSessions, sqlLiteral } from "./testing/query-plan";

// Statements that name a list of users run as named prepared statements, once per request. If
// the plan for the values at hand looks cheaper than the generic plan, PostgreSQL plans the
// statement again on every execution: 0.3–0.6 ms of database CPU per invite in the benchmark, once
// its tables had statistics. The generic plan must cost no more, so that it is made once per
// connection and kept (packages/db README, "Which database").

const SESSION = (1).toString(16).padStart(32, "0");
const USERS = ["u1", "u2", "u3"];

const STATEMENTS = {
  "the invite's read": () =>
    captureStatement((db) =>
      readInviteSnapshot(db, {
        appId: "plan",
        collaborationId: SESSION,
        sessionId: SESSION,
        userIds: USERS,
        countStates: ["MEMBER_CALLING", "MEMBER_TALKING"],
        countUpTo: 501,
      }),
    ),
  "the session lock": () =>
    captureStatement((db) =>
      lockSession(db, {
        appId: "plan",
        sessionId: SESSION,
        collaborationId: SESSION,
        userIds: USERS,
      }),
    ),
};

/** EXECUTE plan_check `times` times; then how many of its plans so far were generic, custom. */
async function executeTimes(
  tx: Prisma.TransactionClient,
  statement: Prisma.Sql,
  times: number,
): Promise<{ generic: number; custom: number }> {
  const args = statement.values.map(sqlLiteral).join(", ");
  for (let i = 0; i < times; i += 1) await tx.$executeRawUnsafe(`EXECUTE plan_check(${args})`);
  const rows = await tx.$queryRawUnsafe<{ generic: number; custom: number }[]>(
    `SELECT generic_plans::int AS generic, custom_plans::int AS custom
       FROM pg_prepared_statements WHERE name = 'plan_check'`,
  );
  return rows[0] ?? { generic: 0, custom: 0 };
}

describe.each(testDatabaseTargets())(
  "prepared statements keep their generic plan on %s",
  { timeout: 180_000 },
  (target) => {
    let db: TestDatabase;

    beforeAll(async () => {
      db = await createTestDatabase({ target });
      const p = db.prisma;
      await seedPlanSessions(p, 500);
      await p.$executeRaw`
        INSERT INTO "session_member" ("app_id", "session_id", "user_id", "member_session_state",
                                      "invited_at", "updated_at")
        SELECT 'plan', lpad(to_hex(1 + g % 500), 32, '0'), 'u' || (g / 500), 'MEMBER_TALKING',
               now(), now()
        FROM generate_series(0, 25499) g`;
      for (const table of ["session_member", "session", "collaboration"]) {
        await p.$executeRawUnsafe(`ANALYZE "${table}"`);
      }
    });
    afterAll(async () => {
      await db?.close();
    });

    for (const [name, statementOf] of Object.entries(STATEMENTS)) {
      it(`${name}: planned once, not on each execution`, async () => {
        const statement = await statementOf();
        const plans = await db.prisma.$transaction(async (tx) => {
          await tx.$executeRawUnsafe(`PREPARE plan_check AS ${statement.text}`);
          // PostgreSQL's rule: the first five executions are planned for their values, then the
          // generic plan is made and kept if it costs no more than their average.
          const counts = await executeTimes(tx, statement, 10);
          await tx.$executeRawUnsafe(`DEALLOCATE plan_check`);
          return counts;
        });
        expect(plans).toEqual({ generic: 5, custom: 5 });
      });
    }

    it("the invite's read keeps its generic plan as the members table grows", async () => {
      // PostgreSQL compares the generic plan with the average of every custom plan since the
      // statement was prepared. Those made while the table was small keep that average below a
      // generic plan made after it grew and was analysed, for as many executions as the generic
      // plan's lead takes to make up: the count's LIMIT (the generic plan cannot know it, and
      // costs a tenth of the rows) gives it a wide one.
      const statement = await STATEMENTS["the invite's read"]();
      const plans = await db.prisma.$transaction(
        async (tx) => {
          await tx.$executeRawUnsafe(`DELETE FROM "session_member"`);
          await tx.$executeRawUnsafe(`ANALYZE "session_member"`);
          await tx.$executeRawUnsafe(`PREPARE plan_check AS ${statement.text}`);
          await executeTimes(tx, statement, 6);
          await tx.$executeRaw`
            INSERT INTO "session_member" ("app_id", "session_id", "user_id",
                                          "member_session_state", "invited_at", "updated_at")
            SELECT 'plan', lpad(to_hex(1 + g % 500), 32, '0'), 'grown' || g, 'MEMBER_CALLING',
                   now(), now()
            FROM generate_series(0, 49999) g`;
          await tx.$executeRawUnsafe(`ANALYZE "session_member"`);
          // A few custom plans at the new costs lift the average above the generic plan's…
          const settling = await executeTimes(tx, statement, 10);
          // …after which it is planned no more.
          const settled = await executeTimes(tx, statement, 10);
          await tx.$executeRawUnsafe(`DEALLOCATE plan_check`);
          return { settling, settled };
        },
        { timeout: 120_000 },
      );
      expect(plans.settled.custom).toBe(plans.settling.custom);
    });
  },
);
