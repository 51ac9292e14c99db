import { SessionEventsRequest, WebhookEvent } from "@collab/contracts";
import {
  createStatementLog,
  createTestDatabase,
  type TestDatabase,
  testDatabaseTargets,
} from "@collab/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DomainContext } from "./context";
import { endSession } from "./end-session";
import { inviteSession } from "./invite-session";
import { fetchSessionEvents } from "./session-events";
import {
  contextFor,
  inviteRequest,
  newApp,
  newSession,
  reasonOf,
  type SessionFixture,
  uid,
} from "./test-support";

// POST /session/events (this project's extension): a session's events after a seq, oldest first,
// in the webhook's shape, paged; the app's own sessions only; ended sessions readable.

describe.each(testDatabaseTargets())("session events catch-up on %s", (target) => {
  let db: TestDatabase;
  let ctx: DomainContext;
  let other: DomainContext;
  let s: SessionFixture;
  const read = (
    c: DomainContext,
    fixture: { collaborationID: string; sessionID: string },
    page: { afterSeq?: number; limit?: number } = {},
  ) => fetchSessionEvents(c, SessionEventsRequest.parse({ ...fixture, ...page }));

  beforeAll(async () => {
    db = await createTestDatabase({ target });
    ctx = contextFor(db.prisma, await newApp(db.prisma, "events app"), "trace-events");
    other = contextFor(db.prisma, await newApp(db.prisma, "other app"), "trace-other");
    s = await newSession(ctx, { members: [uid("listed")] });
    // Five more events: three rings, then the end (two members leave, the session ends).
    await inviteSession(ctx, inviteRequest(s, s.creator, [uid("a"), uid("b"), uid("c")]));
    await endSession(ctx, { ...s, userID: s.creator });
  });
  afterAll(async () => {
    await db?.close();
  });

  it("reads every event oldest first, in the webhook's shape, also once the session has ended", async () => {
    const all = await read(ctx, s);
    expect(all.hasMore).toBe(false);
    expect(all.events.map((e) => e.seq)).toStrictEqual(
      Array.from({ length: all.events.length }, (_, i) => i + 1),
    );
    expect(all.nextSeq).toBe(all.events.length);
    expect(all.events.map((e) => e.type)).toContain("member.invited");
    expect(all.events.at(-1)?.type).toBe("session.ended");
    for (const event of all.events) {
      expect(WebhookEvent.parse(event)).toStrictEqual(event);
      expect(event).toMatchObject({
        appID: ctx.app.id,
        collaborationID: s.collaborationID,
        sessionID: s.sessionID,
      });
    }
    const ids = new Set(all.events.map((e) => e.eventID));
    expect(ids.size).toBe(all.events.length);
  });

  it("pages by afterSeq without gaps or repeats, and says when more follow", async () => {
    const { events: all } = await read(ctx, s);
    const seen: number[] = [];
    let afterSeq = 0;
    for (let pages = 0; pages < 20; pages++) {
      const page = await read(ctx, s, { afterSeq, limit: 2 });
      seen.push(...page.events.map((e) => e.seq));
      expect(page.events.length).toBeLessThanOrEqual(2);
      afterSeq = page.nextSeq;
      if (!page.hasMore) break;
    }
    expect(seen).toStrictEqual(all.map((e) => e.seq));
    // Past the end: nothing, and the cursor stays where it was.
    expect(await read(ctx, s, { afterSeq: 1_000 })).toStrictEqual({
      events: [],
      nextSeq: 1_000,
      hasMore: false,
    });
  });

  it("is NOT_FOUND for another app's session, a wrong collaboration, and IDs that cannot exist", async () => {
    expect(await reasonOf(read(other, s))).toBe("NOT_FOUND");
    const elsewhere = await newSession(ctx);
    expect(
      await reasonOf(
        read(ctx, { collaborationID: elsewhere.collaborationID, sessionID: s.sessionID }),
      ),
    ).toBe("NOT_FOUND");
    expect(await reasonOf(read(ctx, { collaborationID: "c", sessionID: "s" }))).toBe("NOT_FOUND");
  });

  it("takes ONE statement whatever the page size", async () => {
    const log = createStatementLog(db.url);
    try {
      const lctx = contextFor(log.prisma, ctx.app.id);
      await log.prisma.$queryRaw`SELECT 1`;
      log.clear();
      await read(lctx, s, { limit: 100 });
      expect(log.statements).toHaveLength(1);
    } finally {
      await log.close();
    }
  });
});
