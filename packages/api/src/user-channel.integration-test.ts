import type { UserChannelEvent } from "@collab/contracts";
import { createApp } from "@collab/db";
import { createTestDatabase, type TestDatabase, testDatabaseTargets } from "@collab/db/testing";
import { createUserToken } from "@collab/user-token";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "./index";
import { MAX_QUEUED_EVENTS } from "./routers/user/on-event";

const settings = { callingTimeoutSeconds: 60, webhooksAllowPrivateNetworks: false } as const;

// user.onEvent in-process (createCaller): a subscriber that does not read while more than its
// inbox holds happens still gets every event, in order, once (it catches up from the table).

type Tracked = readonly [id: string, data: UserChannelEvent, ...rest: unknown[]];

describe.each(testDatabaseTargets())("user.onEvent in-process on %s", (target) => {
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
    const app = await createApp(db.prisma, { name: "Channel app" });
    appId = app.id;
    secret = app.secret;
  });
  afterAll(async () => {
    await db?.close();
  });

  it("a subscriber that falls behind its inbox catches up from the table: all, in order, once", async () => {
    const op = operator();
    const sessions = await Promise.all(
      [1, 2, 3].map(() => op.collaboration.create({ userID: "alice" })),
    );
    const user = await asUser("bob");
    const stream = (await user.user.onEvent(undefined)) as AsyncIterable<Tracked>;
    const iterator = stream[Symbol.asyncIterator]();

    // bob is rung in the first session; once that ring is read the subscription is live (it
    // came as a ring in progress or live), and his rings in the other two sessions come live.
    // (Rings in progress sent on connect all carry the connect position as their id: ringing him
    // in every session before the first read would make the ids below repeat by design.)
    const [firstSession, ...laterSessions] = sessions;
    if (firstSession === undefined) throw new Error("no session");
    const firstRead = iterator.next();
    await op.session.invite({ ...firstSession, userID: "alice", members: [{ userID: "bob" }] });
    const first = await firstRead;
    expect(first.value?.[1]).toMatchObject({ kind: "ring" });
    for (const ids of laterSessions) {
      await op.session.invite({ ...ids, userID: "alice", members: [{ userID: "bob" }] });
    }

    // While bob's device reads nothing: 1,200 members rung in his sessions.
    let invited = 0;
    for (const ids of sessions) {
      for (let batch = 0; batch < 4; batch++) {
        const members = Array.from({ length: 100 }, (_, i) => ({
          userID: `m-${ids.sessionID.slice(0, 6)}-${batch}-${i}`,
        }));
        await op.session.invite({ ...ids, userID: "alice", members });
        invited += members.length;
      }
    }
    expect(invited).toBeGreaterThan(MAX_QUEUED_EVENTS);

    const received: Tracked[] = [first.value as Tracked];
    const deadline = Date.now() + 60_000;
    while (received.filter((t) => t[1].kind === "member_state").length < invited) {
      if (Date.now() > deadline) throw new Error(`only ${received.length} events arrived`);
      const next = await iterator.next();
      if (next.done) throw new Error("the stream ended");
      received.push(next.value);
    }
    await iterator.return?.();
    const ids = received.map((t) => t[0]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(received.filter((t) => t[1].kind === "ring")).toHaveLength(3);
    // Per session, seqs strictly increase.
    for (const s of sessions) {
      const seqs = received
        .map((t) => t[1])
        .filter((e) => "sessionID" in e && e.sessionID === s.sessionID)
        .map((e) => ("seq" in e ? e.seq : 0));
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs).size).toBe(seqs.length);
    }
  }, 120_000);
});
