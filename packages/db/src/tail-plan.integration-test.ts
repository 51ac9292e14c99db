import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCommittedEventsAfter, TailMemberCache } from "./repositories/event-tail";
import { createTestDatabase, type TestDatabase, testDatabaseTargets } from "./testing";
import {
  allPlanNodes,
  captureStatement,
  parsePlan,
  seedPlanSessions,
  sqlLiteral,
} from "./testing/query-plan";

// The user channel's tail read runs every few milliseconds on every instance under load, so its
// plan must stay a handful of index steps whatever the planner's statistics say. Statistics taken
// before the event log grew and before any member was ringing (autovacuum off or not yet run)
// once planned its "held" test as a scan of the whole event log from its oldest row, and each
// event's ringing-member lookup as a scan of the partial index of every ring in progress: seconds
// per read under the benchmark's load. The plan is asserted, not the time, both as PostgreSQL
// plans it for the values at hand and as the generic plan a named prepared statement may use.

const TABLES = ["session_event", "session_member", "session", "collaboration"];

describe.each(testDatabaseTargets())(
  "the tail read's plan on %s",
  { timeout: 180_000 },
  (target) => {
    let db: TestDatabase;
    let after: { txId: bigint; id: bigint };

    beforeAll(async () => {
      db = await createTestDatabase({ target });
      const p = db.prisma;
      await seedPlanSessions(p, 500);
      await p.$executeRaw`
      INSERT INTO "session_member" ("app_id", "session_id", "user_id", "member_session_state",
                                    "invited_at", "created_at", "updated_at")
      SELECT 'plan', lpad(to_hex(1 + g % 500), 32, '0'), 'u' || g, 'MEMBER_TALKING',
             now() - interval '1 hour', now() - interval '1 hour', now()
      FROM generate_series(1, 2500) g`;
      await p.$executeRaw`
      INSERT INTO "session_event" ("app_id", "session_id", "seq", "type", "subject_id", "created_at")
      SELECT 'plan', lpad(to_hex(1 + g % 500), 32, '0'), g, 'member.joined', 'u' || g,
             now() - interval '1 hour'
      FROM generate_series(1, 1000) g`;
      // The statistics: a small event log, nobody ringing…
      for (const table of TABLES) await p.$executeRawUnsafe(`ANALYZE "${table}"`);
      // …then the log grows in many later transactions and most members are rung, unanalysed.
      for (let batch = 0; batch < 6; batch += 1) {
        await p.$executeRaw`
        INSERT INTO "session_event" ("app_id", "session_id", "seq", "type", "subject_id", "created_at")
        SELECT 'plan', lpad(to_hex(1 + g % 500), 32, '0'), 1000 + ${batch}::int * 2000 + g,
               'member.invited', 'u' || (1 + g % 2500), now()
        FROM generate_series(1, 2000) g`;
      }
      await p.$executeRaw`
      UPDATE "session_member"
         SET "member_session_state" = 'MEMBER_CALLING', "invited_at" = now(),
             "calling_deadline" = now() + interval '1 minute'
       WHERE "user_id" <> 'u1'`;
      const [near] = await p.$queryRaw<{ tx_id: string; id: string }[]>`
      SELECT "tx_id"::text AS tx_id, "id"::text AS id FROM "session_event"
       ORDER BY "tx_id" DESC, "id" DESC OFFSET 50 LIMIT 1`;
      after = { txId: BigInt(near?.tx_id ?? "0"), id: BigInt(near?.id ?? "0") };
    });
    afterAll(async () => {
      await db?.close();
    });

    for (const mode of ["force_custom_plan", "force_generic_plan"] as const) {
      it(`reads by index steps only (${mode})`, async () => {
        // As the hub reads: naming the sessions whose members it keeps (half of those in the log).
        const memberCache = new TailMemberCache();
        for (let n = 1; n <= 250; n += 1) {
          memberCache.set("plan", n.toString(16).padStart(32, "0"), { ids: [], joinedUs: [] });
        }
        const statement = await captureStatement((capture) =>
          readCommittedEventsAfter(capture, { after, limit: 100, memberCache }),
        );
        const plan = await db.prisma.$transaction(async (tx) => {
          await tx.$executeRawUnsafe(`SET LOCAL plan_cache_mode = ${mode}`);
          await tx.$executeRawUnsafe(`PREPARE tail_plan AS ${statement.text}`);
          const args = statement.values.map(sqlLiteral).join(", ");
          const [row] = await tx.$queryRawUnsafe<{ "QUERY PLAN": unknown }[]>(
            `EXPLAIN (FORMAT JSON) EXECUTE tail_plan(${args})`,
          );
          await tx.$executeRawUnsafe(`DEALLOCATE tail_plan`);
          return parsePlan(row);
        });
        const nodes = allPlanNodes(plan);
        const scanned = nodes.filter((n) => TABLES.includes(n["Relation Name"] ?? ""));
        expect(new Set(scanned.map((n) => n["Relation Name"]))).toEqual(new Set(TABLES));
        for (const node of scanned) {
          expect(node["Node Type"], `${node["Relation Name"]}`).not.toBe("Seq Scan");
          expect(node["Index Name"]).not.toBe("session_member_calling_deadline_idx");
        }
      });
    }
  },
);
