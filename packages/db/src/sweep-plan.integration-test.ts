import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sweepDueCallingTimeouts } from "./repositories/members";
import {
  createStatementLog,
  createTestDatabase,
  type StatementLog,
  type TestDatabase,
  testDatabaseTargets,
} from "./testing";
import { allPlanNodes, type PlanNode, parsePlan, seedPlanSessions } from "./testing/query-plan";

// The ring clock's sweep must find its way to the due members by their keys whatever the
// planner's statistics say. Statistics taken before any member was ringing (autovacuum off, or
// not yet run: a fresh deployment, a backlog after an outage) once made PostgreSQL drive the
// sweep's member update from the partial index of ringing deadlines, a nested loop over every due
// member × the batch: seconds per sweep with a backlog of tens of thousands, holding the locks of
// up to a batch of sessions all the while. The plan is asserted, not the time.

/** Every node under `node` except the subplans (the CTEs, planned on their own). */
function mainNodes(node: PlanNode): PlanNode[] {
  const children = (node.Plans ?? []).filter((child) => child["Subplan Name"] === undefined);
  return [node, ...children.flatMap(mainNodes)];
}

describe.each(testDatabaseTargets())("the sweep's plan on %s", { timeout: 120_000 }, (target) => {
  let db: TestDatabase;
  let log: StatementLog;

  beforeAll(async () => {
    db = await createTestDatabase({ target });
    const p = db.prisma;
    await seedPlanSessions(p, 100);
    // Members talking, none ringing, when the statistics are taken…
    await p.$executeRaw`
      INSERT INTO "session_member" ("app_id", "session_id", "user_id", "member_session_state",
                                    "invited_at", "updated_at")
      SELECT 'plan', lpad(to_hex(1 + g % 100), 32, '0'), 'u' || g, 'MEMBER_TALKING',
             now() - interval '1 hour', now()
      FROM generate_series(1, 3000) g`;
    await p.$executeRawUnsafe(`ANALYZE "session_member"`);
    await p.$executeRawUnsafe(`ANALYZE "session"`);
    // …then all of them ringing and overdue, with no statistics since.
    await p.$executeRaw`
      UPDATE "session_member"
         SET "member_session_state" = 'MEMBER_CALLING',
             "calling_deadline" = now() - interval '1 minute'`;
    log = createStatementLog(db.url);
  });
  afterAll(async () => {
    await log?.close();
    await db?.close();
  });

  it("updates the due members by their keys, never by a scan of the ringing deadlines", async () => {
    // The sweep's own text, as sent; explained with its parameters (batch, event type).
    await sweepDueCallingTimeouts(log.prisma, { batchSize: 1, eventType: "member.timeout" });
    const text = log.statements.find((s) => /^\s*WITH due AS/.test(s));
    expect(text).toBeDefined();
    await db.prisma.$executeRawUnsafe(`PREPARE sweep_plan AS ${text}`);
    const [row] = await db.prisma.$queryRawUnsafe<{ "QUERY PLAN": unknown }[]>(
      `EXPLAIN (FORMAT JSON) EXECUTE sweep_plan(500, 'member.timeout')`,
    );
    await db.prisma.$executeRawUnsafe(`DEALLOCATE sweep_plan`);
    // The member update (a data-modifying CTE: a subplan of the statement's plan).
    const update = allPlanNodes(parsePlan(row)).filter(
      (n) => n.Operation === "Update" && n["Relation Name"] === "session_member",
    );
    expect(update).toHaveLength(1);
    const scans = mainNodes(update[0] as PlanNode).filter(
      (n) => n["Relation Name"] === "session_member",
    );
    expect(scans.length).toBeGreaterThan(0);
    for (const scan of scans) {
      expect(scan["Index Name"]).not.toBe("session_member_calling_deadline_idx");
      expect(scan["Node Type"]).not.toBe("Seq Scan");
    }
  });
});
