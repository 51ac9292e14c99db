import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createDb,
  createTestDatabase,
  type Database,
  type TestDatabase,
  testDatabaseTargets,
} from "@collab/db";
import type { DomainContext } from "@collab/domain";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  accept,
  appContext,
  eventsOf,
  eventually,
  newSession,
  ring,
  sleep,
  stateOf,
  uid,
} from "./test-support";
import { startWorker, type Worker } from "./worker";

// The durable calling timeout end to end: invite (job added in its transaction) → graphile-worker
// runner → timeOutCall. Short timeouts (1–1.5 s) and a fast poll keep it quick.

const FAST = { pollIntervalMs: 100 } as const;

describe.each(testDatabaseTargets())("calling timeout worker on %s", (target) => {
  let db: TestDatabase;
  let prisma: Database;
  let ctx: DomainContext;
  const running: Worker[] = [];
  const start = async () => {
    const worker = await startWorker({ db, settings: FAST });
    running.push(worker);
    return worker;
  };

  beforeAll(async () => {
    db = await createTestDatabase({ target });
    prisma = db.prisma;
    ({ ctx } = await appContext(prisma));
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((w) => w.stop()));
  });
  afterAll(async () => {
    await db?.close();
  });

  it("a rung member who never answers becomes MEMBER_TIMEOUT once, with an event", async () => {
    await start();
    const s = await newSession(ctx);
    const member = uid("m");
    await ring(ctx, s, [member], { callingTimeoutSeconds: 1 });
    expect(await stateOf(prisma, s, member)).toBe("MEMBER_CALLING");
    expect(
      await eventually(async () => (await stateOf(prisma, s, member)) === "MEMBER_TIMEOUT", 8_000),
    ).toBe(true);
    const timeouts = (await eventsOf(prisma, s)).filter((e) => e.type === "member.timeout");
    expect(timeouts).toHaveLength(1);
    expect(timeouts[0]).toMatchObject({
      actorId: null,
      subjectId: member,
      toState: "MEMBER_TIMEOUT",
    });
  });

  it("fires after the worker restarts between the ring and the timeout", async () => {
    const first = await start();
    const s = await newSession(ctx);
    const member = uid("m");
    await ring(ctx, s, [member], { callingTimeoutSeconds: 2 });
    await first.stop(); // the process goes away before the timeout is due …
    await sleep(2_500); // … and stays away past it
    expect(await stateOf(prisma, s, member)).toBe("MEMBER_CALLING");
    await start(); // a new process picks the due job up from the database
    expect(
      await eventually(async () => (await stateOf(prisma, s, member)) === "MEMBER_TIMEOUT", 8_000),
    ).toBe(true);
  });

  it("does not fire for a member who answers just before the timeout", async () => {
    await start();
    const s = await newSession(ctx);
    const [answering, silent] = [uid("answers"), uid("silent")];
    await ring(ctx, s, [answering, silent], { callingTimeoutSeconds: 3 });
    await sleep(2_000); // a second before the timeout
    await accept(ctx, s, answering);
    expect(
      await eventually(async () => (await stateOf(prisma, s, silent)) === "MEMBER_TIMEOUT", 8_000),
    ).toBe(true);
    await sleep(300);
    expect(await stateOf(prisma, s, answering)).toBe("MEMBER_TALKING");
    const events = await eventsOf(prisma, s);
    expect(events.filter((e) => e.type === "member.timeout").map((e) => e.subjectId)).toStrictEqual(
      [silent],
    );
  });

  it("does not fire the old ring's timeout for a member rung again meanwhile", async () => {
    await start();
    const s = await newSession(ctx);
    const member = uid("m");
    await ring(ctx, s, [member], { callingTimeoutSeconds: 2 });
    await prisma.sessionMember.update({
      where: { sessionId_userId: { sessionId: s.sessionID, userId: member } },
      data: { memberSessionState: "MEMBER_DECLINE" },
    });
    await ring(ctx, s, [member], { callingTimeoutSeconds: 30 }); // rung again, long timeout
    await sleep(3_000); // past the first ring's timeout
    expect(await stateOf(prisma, s, member)).toBe("MEMBER_CALLING");
    expect((await eventsOf(prisma, s)).filter((e) => e.type === "member.timeout")).toHaveLength(0);
  });

  it("two workers at once: every member times out exactly once", async () => {
    await Promise.all([start(), start()]);
    const s = await newSession(ctx);
    const members = Array.from({ length: 12 }, () => uid("m"));
    await ring(ctx, s, members, { callingTimeoutSeconds: 1 });
    const done = await eventually(async () => {
      const left = await prisma.sessionMember.count({
        where: { sessionId: s.sessionID, memberSessionState: "MEMBER_CALLING" },
      });
      return left === 0;
    }, 10_000);
    expect(done).toBe(true);
    await sleep(500);
    const events = await eventsOf(prisma, s);
    const timeouts = events.filter((e) => e.type === "member.timeout");
    expect(timeouts.map((e) => e.subjectId).sort()).toStrictEqual([...members].sort());
    expect(events.map((e) => e.seq)).toStrictEqual(events.map((_, i) => i + 1));
    // graphile-worker removed every completed job.
    const jobs = await prisma.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM graphile_worker._private_jobs
      WHERE key LIKE ${`member_timeout:${s.sessionID}:%`}`;
    expect(jobs[0]?.n).toBe(0);
  });
});

describe("calling timeout across a restart of the embedded database", () => {
  it("a job written before the process closed its data directory fires after it reopens", async () => {
    const dir = await mkdtemp(join(tmpdir(), "collab-timeout-restart-"));
    const dataDir = join(dir, "pglite");
    try {
      // First "server": rings, then shuts down completely before the timeout is due.
      const first = await createDb({ dataDir });
      const { ctx } = await appContext(first.prisma);
      const s = await newSession(ctx);
      const member = uid("m");
      await ring(ctx, s, [member], { callingTimeoutSeconds: 1 });
      const worker = await startWorker({ db: first, settings: FAST });
      await worker.stop();
      await first.close();
      await sleep(1_200);

      // Second "server" on the same files: its worker finds the due job.
      const second = await createDb({ dataDir });
      const again = await startWorker({ db: second, settings: FAST });
      try {
        const fired = await eventually(
          async () => (await stateOf(second.prisma, s, member)) === "MEMBER_TIMEOUT",
          8_000,
        );
        expect(fired).toBe(true);
      } finally {
        await again.stop();
        await second.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
