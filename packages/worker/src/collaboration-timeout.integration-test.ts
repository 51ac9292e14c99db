import { CreateCollaborationRequest } from "@collab/contracts";
import type { Database } from "@collab/db";
import { createTestDatabase, type TestDatabase, testDatabaseTargets } from "@collab/db/testing";
import { createCollaboration, type DomainContext } from "@collab/domain";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  appContext,
  eventsOf,
  eventually,
  ring,
  type Session,
  sleep,
  stateOf,
  uid,
} from "./test-support";
import { startWorker, type Worker } from "./worker";

// A collaboration's own calling timeout (ruleSettings.callingTimeout, this project's extension)
// end to end: /create stores it, the invite's upsert writes the deadline with it, the real ring
// clock fires it, while the deployment's timeout (HIAR_CALLING_TIMEOUT_SECONDS, in the context's
// settings) is an hour; and
// the deployment's timeout when the collaboration sets none.

const FAST = { pollIntervalMs: 100 } as const;

describe.each(testDatabaseTargets())("per-collaboration calling timeout on %s", (target) => {
  let db: TestDatabase;
  let prisma: Database;
  let ctx: DomainContext;
  let worker: Worker | undefined;

  beforeAll(async () => {
    db = await createTestDatabase({ target });
    prisma = db.prisma;
    ({ ctx } = await appContext(prisma));
  });
  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
  });
  afterAll(async () => {
    await db?.close();
  });

  async function sessionWith(ruleSettings: Record<string, unknown>): Promise<Session> {
    const creator = uid("creator");
    const ids = await createCollaboration(
      ctx,
      CreateCollaborationRequest.parse({ userID: creator, ruleSettings }),
    );
    return { ...ids, creator };
  }

  it("callingTimeout 1: the member times out within seconds, the default's member rings on", async () => {
    const hour = { ...ctx, settings: { ...ctx.settings, callingTimeoutSeconds: 3600 } };
    worker = await startWorker({ db, settings: FAST });
    const fast = await sessionWith({ callingTimeout: 1 });
    const plain = await sessionWith({});
    const [quick, patient] = [uid("quick"), uid("patient")];
    const rungAt = Date.now();
    await ring(hour, fast, [quick], {}); // no per-call timeout: the deployment's hour
    await ring(hour, plain, [patient], {});

    expect(
      await eventually(
        async () => (await stateOf(prisma, fast, quick)) === "MEMBER_TIMEOUT",
        8_000,
      ),
    ).toBe(true);
    // The collaboration's seconds, not the deployment's hour (the margin is for a busy machine).
    expect(Date.now() - rungAt).toBeLessThan(60_000);
    expect((await eventsOf(prisma, fast)).filter((e) => e.type === "member.timeout")).toMatchObject(
      [{ actorId: null, subjectId: quick, toState: "MEMBER_TIMEOUT" }],
    );
    await sleep(500);
    expect(await stateOf(prisma, plain, patient)).toBe("MEMBER_CALLING");
    expect((await eventsOf(prisma, plain)).filter((e) => e.type === "member.timeout")).toHaveLength(
      0,
    );
  });

  it("HIAR_CALLING_TIMEOUT_SECONDS applies when the collaboration sets none (fractions too)", async () => {
    const quickly = { ...ctx, settings: { ...ctx.settings, callingTimeoutSeconds: 1.5 } };
    worker = await startWorker({ db, settings: FAST });
    const plain = await sessionWith({});
    const own = await sessionWith({ callingTimeout: 3600 });
    const [quick, patient] = [uid("quick"), uid("patient")];
    await ring(quickly, plain, [quick], {}); // no per-call timeout: the deployment's 1.5 s
    await ring(quickly, own, [patient], {});
    expect(
      await eventually(
        async () => (await stateOf(prisma, plain, quick)) === "MEMBER_TIMEOUT",
        10_000,
      ),
    ).toBe(true);
    // Fired after the ring's 1.5 s, and not the collaboration's hour (how late under load is the
    // benchmark's to measure: timeouts-5@2s).
    const [row] = await prisma.$queryRaw<{ ms: number }[]>`
      SELECT (extract(epoch FROM e."created_at" - m."invited_at") * 1000)::float8 AS ms
      FROM "session_event" e
      JOIN "session_member" m ON m."session_id" = e."session_id" AND m."user_id" = e."subject_id"
      WHERE e."session_id" = ${plain.sessionID} AND e."type" = 'member.timeout'`;
    expect(row?.ms).toBeGreaterThanOrEqual(1_500);
    expect(row?.ms).toBeLessThan(60_000);
    expect(await stateOf(prisma, own, patient)).toBe("MEMBER_CALLING");
  });
});
