import { CreateCollaborationRequest } from "@collab/contracts";
import {
  createTestDatabase,
  type Database,
  type TestDatabase,
  testDatabaseTargets,
} from "@collab/db";
import { createCollaboration, type DomainContext } from "@collab/domain";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
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
// end to end: /create stores it, the invite schedules with it, the real job runner fires it, while
// the deployment's timeout (HIAR_CALLING_TIMEOUT_SECONDS) is an hour.

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
    vi.unstubAllEnvs();
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
    vi.stubEnv("HIAR_CALLING_TIMEOUT_SECONDS", "3600");
    worker = await startWorker({ db, settings: FAST });
    const fast = await sessionWith({ callingTimeout: 1 });
    const plain = await sessionWith({});
    const [quick, patient] = [uid("quick"), uid("patient")];
    const rungAt = Date.now();
    await ring(ctx, fast, [quick], {}); // no per-call timeout: the deployment's hour
    await ring(ctx, plain, [patient], {});

    expect(
      await eventually(
        async () => (await stateOf(prisma, fast, quick)) === "MEMBER_TIMEOUT",
        8_000,
      ),
    ).toBe(true);
    expect(Date.now() - rungAt).toBeLessThan(8_000);
    expect((await eventsOf(prisma, fast)).filter((e) => e.type === "member.timeout")).toMatchObject(
      [{ actorId: null, subjectId: quick, toState: "MEMBER_TIMEOUT" }],
    );
    await sleep(500);
    expect(await stateOf(prisma, plain, patient)).toBe("MEMBER_CALLING");
    expect((await eventsOf(prisma, plain)).filter((e) => e.type === "member.timeout")).toHaveLength(
      0,
    );
  });
});
