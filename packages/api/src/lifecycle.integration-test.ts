import { createApp } from "@collab/db";
import { createTestDatabase, type TestDatabase, testDatabaseTargets } from "@collab/db/testing";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller, toHiarError } from "./index";

/** The deployment settings the use cases get here: the production defaults. */
const settings = { callingTimeoutSeconds: 60, webhooksAllowPrivateNetworks: false } as const;

// The lifecycle and webhook procedures through createCaller: wiring, outputs and error mapping.

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TRPCError);
    return toHiarError(error).reason;
  }
  throw new Error("expected the call to fail");
}

describe.each(testDatabaseTargets())("lifecycle procedures on %s", (target) => {
  let db: TestDatabase;
  let appId: string;
  const caller = () =>
    createCaller({ db: db.prisma, app: { id: appId }, trace: { id: "t-api" }, settings });

  beforeAll(async () => {
    db = await createTestDatabase({ target });
    appId = (await createApp(db.prisma, { name: "A" })).id;
  });
  afterAll(async () => {
    await db?.close();
  });

  it("answers, leaves, kicks and ends through the session router", async () => {
    const c = caller();
    const ids = await c.collaboration.create({ userID: "alice" });
    await c.session.invite({
      ...ids,
      userID: "alice",
      members: ["bob", "carol", "dave", "erin", "frank"].map((userID) => ({ userID })),
    });
    expect(await c.session.accept({ ...ids, userID: "bob" })).toStrictEqual({
      userID: "bob",
      fromState: "MEMBER_CALLING",
      memberSessionState: "MEMBER_TALKING",
      sessionState: "SESSION_START",
    });
    await c.session.accept({ ...ids, userID: "carol" });
    expect((await c.session.decline({ ...ids, userID: "dave" })).memberSessionState).toBe(
      "MEMBER_DECLINE",
    );
    expect((await c.session.busy({ ...ids, userID: "erin" })).memberSessionState).toBe(
      "MEMBER_BUSY",
    );
    expect((await c.session.offline({ ...ids, userID: "frank" })).memberSessionState).toBe(
      "MEMBER_OFFLINE",
    );
    expect((await c.session.leave({ ...ids, userID: "carol" })).memberSessionState).toBe(
      "MEMBER_LEFT",
    );
    expect(await reasonOf(c.session.leave({ ...ids, userID: "carol" }))).toBe("INVALID_STATE");
    expect(await reasonOf(c.session.kickout({ ...ids, userID: "dave", memberID: "bob" }))).toBe(
      "PERMISSION_DENIED",
    );
    expect(await reasonOf(c.session.kickout({ ...ids, userID: "bob", memberID: "bob" }))).toBe(
      "INVALID_PARAM",
    );
    expect(
      (await c.session.kickout({ ...ids, userID: "alice", memberID: "bob" })).memberSessionState,
    ).toBe("MEMBER_KICKOUT");
    expect(await c.session.end({ ...ids, userID: "alice" })).toStrictEqual({
      members: [],
      sessionState: "SESSION_END",
      collaborationState: "COLLABORATION_END",
    });
    try {
      await c.session.accept({ ...ids, userID: "bob" });
      throw new Error("expected INVALID_STATE");
    } catch (error) {
      expect((error as TRPCError).code).toBe("CONFLICT");
    }
  });

  it("webhook.get / set / deliveries", async () => {
    const c = caller();
    expect(await c.webhook.get()).toStrictEqual({
      url: null,
      pendingSessions: 0,
      failingSessions: 0,
      pendingEvents: 0,
    });
    expect((await c.webhook.set({ url: "https://hooks.example.com/collab" })).url).toBe(
      "https://hooks.example.com/collab",
    );
    await c.collaboration.create({ userID: "zoe" });
    expect(await c.webhook.get()).toMatchObject({ pendingSessions: 1, pendingEvents: 2 });
    expect(await reasonOf(c.webhook.set({ url: "ftp://nope" }))).toBe("INVALID_PARAM");
    expect(await reasonOf(c.webhook.set({ url: "https://user:pw@example.com/" }))).toBe(
      "INVALID_PARAM",
    );
    expect((await c.webhook.set({ url: null })).url).toBeNull();
    expect(await c.webhook.deliveries({})).toStrictEqual({ deliveries: [], next: null });
    const anonymous = createCaller({ db: db.prisma, app: null, trace: { id: "t" }, settings });
    expect(await reasonOf(anonymous.webhook.get())).toBe("UNAUTHENTICATED");
  });
});
