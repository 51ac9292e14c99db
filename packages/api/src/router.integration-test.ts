import { HiarError } from "@collab/contracts";
import { createApp } from "@collab/db";
import { createTestDatabase, type TestDatabase, testDatabaseTargets } from "@collab/db/testing";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller, toHiarError } from "./index";

/** The deployment settings the use cases get here: the production defaults. */
const settings = { callingTimeoutSeconds: 60, webhooksAllowPrivateNetworks: false } as const;

// Procedures through createCaller with the inner context: no HTTP, a real database.

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TRPCError);
    return toHiarError(error).reason;
  }
  throw new Error("expected the call to fail");
}

describe.each(testDatabaseTargets())("appRouter on %s", (target) => {
  let db: TestDatabase;
  let appA: string;
  let appB: string;
  const trace = { id: "trace-router-test" };
  const callerFor = (app: string | null) =>
    createCaller({ db: db.prisma, app: app === null ? null : { id: app }, trace, settings });

  beforeAll(async () => {
    db = await createTestDatabase({ target });
    appA = (await createApp(db.prisma, { name: "A" })).id;
    appB = (await createApp(db.prisma, { name: "B" })).id;
  });
  afterAll(async () => {
    await db?.close();
  });

  it("refuses every app procedure without an authenticated app", async () => {
    const anonymous = callerFor(null);
    expect(await reasonOf(anonymous.collaboration.byUser({ userID: "u" }))).toBe("UNAUTHENTICATED");
    expect(await reasonOf(anonymous.collaboration.create({ userID: "u" }))).toBe("UNAUTHENTICATED");
    expect(
      await reasonOf(
        anonymous.session.invite({
          collaborationID: "c",
          sessionID: "s",
          userID: "u",
          members: [{ userID: "v" }],
        }),
      ),
    ).toBe("UNAUTHENTICATED");
  });

  it("creates, invites with per-member outcomes, and queries by user", async () => {
    const caller = callerFor(appA);
    const ids = await caller.collaboration.create({
      userID: "alice",
      members: [{ userID: "bob" }],
    });
    const first = await caller.session.invite({
      ...ids,
      userID: "alice",
      members: [{ userID: "bob" }, { userID: "carol", deviceType: 3 }],
    });
    expect(first.members).toEqual([
      { userID: "bob", outcome: "rung_again", memberSessionState: "MEMBER_CALLING" },
      { userID: "carol", outcome: "added", memberSessionState: "MEMBER_CALLING" },
    ]);
    const again = await caller.session.invite({
      ...ids,
      userID: "alice",
      members: [{ userID: "carol" }],
    });
    expect(again.members).toEqual([
      { userID: "carol", outcome: "unchanged", memberSessionState: "MEMBER_CALLING" },
    ]);

    const { infos } = await caller.collaboration.byUser({ userID: "carol" });
    const info = infos.find((i) => i.collaborationID === ids.collaborationID);
    expect(info?.members.carol).toMatchObject({
      memberSessionState: "MEMBER_CALLING",
      deviceType: 3,
    });
  });

  it("keeps tenants apart: another app's session is not found", async () => {
    const ids = await callerFor(appA).collaboration.create({ userID: "alice" });
    const reason = await reasonOf(
      callerFor(appB).session.invite({ ...ids, userID: "alice", members: [{ userID: "eve" }] }),
    );
    expect(reason).toBe("NOT_FOUND");
    expect((await callerFor(appB).collaboration.byUser({ userID: "alice" })).infos).toEqual([]);
  });

  it("maps catalogue errors onto tRPC codes and names the invalid field", async () => {
    const caller = callerFor(appA);
    try {
      await caller.session.invite({
        collaborationID: "c",
        sessionID: "s",
        userID: "u",
        members: [{ userID: "" }],
      });
      throw new Error("expected INVALID_PARAM");
    } catch (error) {
      expect(error).toBeInstanceOf(TRPCError);
      expect((error as TRPCError).code).toBe("BAD_REQUEST");
      const hiar = toHiarError(error);
      expect(hiar).toBeInstanceOf(HiarError);
      expect(hiar.reason).toBe("INVALID_PARAM");
      expect(hiar.message).toContain("members[0].userID");
    }

    const ids = await caller.collaboration.create({ userID: "alice" });
    try {
      await caller.session.invite({ ...ids, userID: "nobody", members: [{ userID: "x" }] });
      throw new Error("expected PERMISSION_DENIED");
    } catch (error) {
      expect((error as TRPCError).code).toBe("FORBIDDEN");
      expect(toHiarError(error).reason).toBe("PERMISSION_DENIED");
    }
  });
});
