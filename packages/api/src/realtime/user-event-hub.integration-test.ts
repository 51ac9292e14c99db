import { createApp, type TailedEvent } from "@collab/db";
import { createTestDatabase, type TestDatabase, testDatabaseTargets } from "@collab/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "../index";
import { UserEventHub } from "./user-event-hub";

const settings = { callingTimeoutSeconds: 60, webhooksAllowPrivateNetworks: false } as const;

// The hub's tail stops when its last subscriber leaves and starts again for the next one; a
// subscriber arriving as the last one leaves must still get a position and hear what follows.

describe.each(testDatabaseTargets())("the user event hub on %s", (target) => {
  let db: TestDatabase;
  let appId: string;
  const operator = () =>
    createCaller({ db: db.prisma, app: { id: appId }, trace: { id: "t-op" }, settings });

  beforeAll(async () => {
    db = await createTestDatabase({ target });
    appId = (await createApp(db.prisma, { name: "Hub app" })).id;
  });
  afterAll(async () => {
    await db?.close();
  });

  it("a subscriber arriving while the last one leaves gets a position and hears the next ring", async () => {
    const hub = new UserEventHub(db.prisma, { fallbackPollMs: 50 });
    const leaving = await hub.subscribe(appId, "alice", () => {});
    const heard: TailedEvent[] = [];
    // bob's subscribe waits one turn for the running tail; alice leaves in that turn, which
    // stops the tail.
    const arriving = hub.subscribe(appId, "bob", (event) => heard.push(event));
    leaving.unsubscribe();
    const bob = await arriving;
    try {
      expect(bob.position).toBeDefined();
      const op = operator();
      const ids = await op.collaboration.create({ userID: "alice" });
      await op.session.invite({ ...ids, userID: "alice", members: [{ userID: "bob" }] });
      await expect
        .poll(() => heard.some((e) => e.subjectId === "bob" && e.type === "member.invited"), {
          timeout: 30_000,
        })
        .toBe(true);
    } finally {
      bob.unsubscribe();
    }
  });
});
