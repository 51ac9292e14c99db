import type { UserChannelEvent } from "@collab/contracts";
import { createApp } from "@collab/db";
import { createTestDatabase, type TestDatabase, testDatabaseTargets } from "@collab/db/testing";
import { createUserToken } from "@collab/user-token";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "./index";

// session.cancel (the console's procedure for POST /session/cancel) and reasons through tRPC:
// the rung user's devices hear the ring end as `cancelled` with the canceller's reason, user.*
// procedures take a reason too, and the console's timeline shows them.

const settings = { callingTimeoutSeconds: 60, webhooksAllowPrivateNetworks: false } as const;

type Tracked = readonly [id: string, data: UserChannelEvent, ...rest: unknown[]];

describe.each(testDatabaseTargets())("cancel and reasons through tRPC on %s", (target) => {
  let db: TestDatabase;
  let appId: string;
  let secret: string;
  const operator = () =>
    createCaller({ db: db.prisma, app: { id: appId }, trace: { id: "t-op" }, settings });
  const asUser = async (userID: string) =>
    createCaller({
      db: db.prisma,
      app: null,
      trace: { id: "t-user" },
      settings,
      userToken: await createUserToken({ appId, secret, userID, ttlSeconds: 600 }),
    });

  beforeAll(async () => {
    db = await createTestDatabase({ target });
    const app = await createApp(db.prisma, { name: "Cancel app" });
    appId = app.id;
    secret = app.secret;
  });
  afterAll(async () => {
    await db?.close();
  });

  /** The next event of `iterator` that `match` accepts (within 20 s). */
  async function next(
    iterator: AsyncIterator<Tracked>,
    match: (event: UserChannelEvent) => boolean,
  ): Promise<UserChannelEvent> {
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const item = await iterator.next();
      if (item.done) throw new Error("the stream ended");
      if (match(item.value[1])) return item.value[1];
    }
    throw new Error("no such event arrived");
  }

  it("the rung user's channel: ring, then ring_ended `cancelled` with the reason", async () => {
    const op = operator();
    const ids = await op.collaboration.create({ userID: "alice" });
    const bob = await asUser("bob");
    const stream = (await bob.user.onEvent(undefined)) as AsyncIterable<Tracked>;
    const iterator = stream[Symbol.asyncIterator]();
    try {
      const ringRead = next(iterator, (e) => e.kind === "ring");
      await op.session.invite({ ...ids, userID: "alice", members: [{ userID: "bob" }] });
      expect(await ringRead).toMatchObject({ kind: "ring", invitedBy: "alice" });

      const result = await op.session.cancel({
        ...ids,
        userID: "alice",
        members: ["bob"],
        reason: "wrong_person",
        extra: "meant dave",
      });
      expect(result).toStrictEqual({
        members: [
          { userID: "bob", fromState: "MEMBER_CALLING", memberSessionState: "MEMBER_LEFT" },
        ],
        sessionState: "SESSION_SCHEDULE",
      });
      expect(await next(iterator, (e) => e.kind === "ring_ended")).toMatchObject({
        kind: "ring_ended",
        reason: "cancelled",
        memberSessionState: "MEMBER_LEFT",
        actorID: "alice",
        deviceID: null,
        reasonCode: "wrong_person",
        reasonExtra: "meant dave",
      });
      // Cancelled: no longer among bob's current calls.
      expect((await bob.user.calls()).current).toStrictEqual([]);
      // The console's timeline names it, with the reason.
      const page = await op.session.events({ sessionID: ids.sessionID });
      expect(page.events[0]).toMatchObject({
        type: "member.cancelled",
        actorID: "alice",
        subjectID: "bob",
        reason: "wrong_person",
        extra: "meant dave",
      });
    } finally {
      await iterator.return?.();
    }
  });

  it("user.decline and user.leave carry a reason; user.accept takes none; bad ones change nothing", async () => {
    const op = operator();
    const ids = await op.collaboration.create({ userID: "alice" });
    await op.session.invite({
      ...ids,
      userID: "alice",
      members: [{ userID: "carol" }, { userID: "dave" }],
    });
    const carol = await asUser("carol");
    const dave = await asUser("dave");
    await expect(carol.user.decline({ ...ids, reason: "r".repeat(65) })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(
      carol.user.decline({ ...ids, reason: "busy", extra: "at the dentist" }),
    ).resolves.toMatchObject({
      memberSessionState: "MEMBER_DECLINE",
    });
    await dave.user.accept(ids);
    await dave.user.leave({ ...ids, reason: "battery" });
    const page = await op.session.events({ sessionID: ids.sessionID, limit: 5 });
    expect(page.events.slice(0, 4).map((e) => [e.type, e.reason, e.extra])).toStrictEqual([
      ["member.left", "battery", null],
      ["session.started", null, null],
      ["member.accepted", null, null],
      ["member.declined", "busy", "at the dentist"],
    ]);
  });

  it("session.cancel refuses a member not ringing, naming it, and changes nothing", async () => {
    const op = operator();
    const ids = await op.collaboration.create({ userID: "alice" });
    await op.session.invite({
      ...ids,
      userID: "alice",
      members: [{ userID: "erin" }, { userID: "frank" }],
    });
    await (await asUser("frank")).user.accept(ids);
    const before = await op.session.get({ sessionID: ids.sessionID });
    await expect(
      op.session.cancel({ ...ids, userID: "alice", members: ["erin", "frank"] }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await op.session.get({ sessionID: ids.sessionID })).toStrictEqual(before);
  });
});
