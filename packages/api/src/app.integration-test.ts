import { HiarError } from "@collab/contracts";
import { addAppUsage, createApp, findAppCredentials } from "@collab/db";
import { createTestDatabase, type TestDatabase, testDatabaseTargets } from "@collab/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller, toHiarError } from "./index";

// The signed-in app's own procedures (app.usage, app.delete) through createCaller on a real
// database: usage per UTC day from the recorded request counts and the ring events; deletion of
// the app and everything it owns, and of nothing of another app's.

const settings = { callingTimeoutSeconds: 60, webhooksAllowPrivateNetworks: false } as const;
const today = () => new Date().toISOString().slice(0, 10);

describe.each(testDatabaseTargets())("app.* on %s", (target) => {
  let db: TestDatabase;
  const callerFor = (app: string) =>
    createCaller({ db: db.prisma, app: { id: app }, trace: { id: "t-app" }, settings });

  beforeAll(async () => {
    db = await createTestDatabase({ target });
  });
  afterAll(async () => {
    await db?.close();
  });

  it("usage: every day present, today last, with its requests, refusals and rings", async () => {
    const app = (await createApp(db.prisma, { name: "usage" })).id;
    const other = (await createApp(db.prisma, { name: "other" })).id;
    const caller = callerFor(app);
    // Two rings now: an invite of two members, from any surface (here tRPC).
    const ids = await caller.collaboration.create({ userID: "alice" });
    await caller.session.invite({
      ...ids,
      userID: "alice",
      members: [{ userID: "bob" }, { userID: "carol" }],
    });
    await callerFor(other).collaboration.create({ userID: "alice", members: [{ userID: "x" }] });
    // Request counts as the server adds them, twice for the same day (they add up).
    await addAppUsage(db.prisma, [
      { appId: app, day: today(), requests: 5, errors: 1 },
      { appId: other, day: today(), requests: 100, errors: 100 },
    ]);
    await addAppUsage(db.prisma, [{ appId: app, day: today(), requests: 2, errors: 0 }]);

    const { days } = await caller.app.usage({ days: 7 });
    expect(days).toHaveLength(7);
    expect(days.at(-1)).toStrictEqual({ day: today(), requests: 7, errors: 1, rings: 2 });
    expect(days.slice(0, -1).every((d) => d.requests === 0 && d.rings === 0)).toBe(true);
    expect(days.map((d) => d.day)).toStrictEqual([...days.map((d) => d.day)].sort());
    expect((await caller.app.usage({})).days).toHaveLength(30);
    await expect(caller.app.usage({ days: 91 })).rejects.toThrow();
  });

  it("delete: only with the APPID typed again; then the app and all it owns are gone", async () => {
    const app = (await createApp(db.prisma, { name: "doomed" })).id;
    const kept = (await createApp(db.prisma, { name: "kept" })).id;
    const caller = callerFor(app);
    const ids = await caller.collaboration.create({
      userID: "alice",
      members: [{ userID: "bob" }],
    });
    await callerFor(kept).collaboration.create({ userID: "alice" });
    await addAppUsage(db.prisma, [{ appId: app, day: today(), requests: 1, errors: 0 }]);

    const refused = await caller.app.delete({ confirmAppId: kept }).catch(toHiarError);
    expect(refused).toBeInstanceOf(HiarError);
    expect((refused as HiarError).reason).toBe("INVALID_PARAM");
    expect(await findAppCredentials(db.prisma, app)).not.toBeNull();

    expect(await caller.app.delete({ confirmAppId: ` ${app} ` })).toStrictEqual({ deleted: true });
    expect(await findAppCredentials(db.prisma, app)).toBeNull();
    const owned = await db.prisma.$queryRaw<{ n: number }[]>`
      SELECT ((SELECT count(*) FROM "collaboration" WHERE "app_id" = ${app})
            + (SELECT count(*) FROM "session" WHERE "app_id" = ${app})
            + (SELECT count(*) FROM "session_member" WHERE "app_id" = ${app})
            + (SELECT count(*) FROM "session_event" WHERE "app_id" = ${app})
            + (SELECT count(*) FROM "app_usage_day" WHERE "app_id" = ${app}))::int AS n`;
    expect(owned[0]?.n).toBe(0);
    expect(await db.prisma.session.count({ where: { id: ids.sessionID } })).toBe(0);
    expect(await db.prisma.collaboration.count({ where: { appId: kept } })).toBe(1);
    // Counts that arrive for it afterwards are dropped, not an error.
    await addAppUsage(db.prisma, [{ appId: app, day: today(), requests: 1, errors: 0 }]);
    // A second deletion finds nothing.
    const again = await caller.app.delete({ confirmAppId: app }).catch(toHiarError);
    expect((again as HiarError).reason).toBe("NOT_FOUND");
  });
});
