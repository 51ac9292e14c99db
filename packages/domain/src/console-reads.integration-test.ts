import {
  ConsoleApp,
  GetSessionRequest,
  ListCollaborationsRequest,
  ListSessionEventsRequest,
  SignInRequest,
} from "@collab/contracts";
import { createApp } from "@collab/db";
import {
  createStatementLog,
  createTestDatabase,
  type StatementLog,
  type TestDatabase,
  testDatabaseTargets,
} from "@collab/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DomainContext } from "./context";
import { getSession } from "./get-session";
import { inviteSession } from "./invite-session";
import { listCollaborations } from "./list-collaborations";
import { listSessionEvents, readSessionEventsAfter } from "./list-session-events";
import { currentApp, signIn, WRONG_CREDENTIALS_MESSAGE } from "./sign-in";
import { contextFor, inviteRequest, newSession, reasonOf, uid } from "./test-support";

// The console's use cases (sign-in and the reads behind its pages) on a real database, with the
// number of statements each costs.

describe.each(testDatabaseTargets())("console use cases on %s", (target) => {
  let db: TestDatabase;
  let log: StatementLog;
  let app: { id: string; secret: string };
  let ctx: DomainContext;
  /** The same tenant through the statement-recording client. */
  let logged: DomainContext;

  beforeAll(async () => {
    db = await createTestDatabase({ target });
    log = createStatementLog(db.url);
    app = await createApp(db.prisma, { name: "Console tenant" });
    ctx = contextFor(db.prisma, app.id);
    logged = contextFor(log.prisma, app.id);
    await log.prisma.$queryRaw`SELECT 1`; // connect outside the measurements
  });
  afterAll(async () => {
    await log?.close();
    await db?.close();
  });

  async function statementsOf(run: () => Promise<unknown>): Promise<number> {
    log.clear();
    await run();
    return log.statements.length;
  }

  describe("signIn", () => {
    it("returns the app for its APPID and secret, in one statement", async () => {
      const input = SignInRequest.parse({ appId: app.id, secret: app.secret });
      let result: unknown;
      expect(
        await statementsOf(async () => {
          result = await signIn({ db: log.prisma }, input);
        }),
      ).toBe(1);
      expect(ConsoleApp.parse(result)).toEqual({ id: app.id, name: "Console tenant" });
    });

    it("refuses a wrong secret, another app's secret and an unknown APPID with one message", async () => {
      const other = await createApp(db.prisma, { name: "Other" });
      for (const [appId, secret] of [
        [app.id, `${app.secret}x`],
        [app.id, app.secret.slice(0, -1)],
        [app.id, other.secret],
        ["hiar-unknown", app.secret],
      ] as const) {
        const refusal = signIn({ db: db.prisma }, SignInRequest.parse({ appId, secret }));
        await expect(refusal).rejects.toMatchObject({
          reason: "UNAUTHENTICATED",
          message: WRONG_CREDENTIALS_MESSAGE,
        });
      }
    });

    it("knows the signed-in app, and not a deleted one", async () => {
      expect(await currentApp(ctx)).toEqual({ id: app.id, name: "Console tenant" });
      const gone = await createApp(db.prisma, { name: "Gone" });
      await db.prisma.app.delete({ where: { id: gone.id } });
      expect(await reasonOf(currentApp(contextFor(db.prisma, gone.id)))).toBe("UNAUTHENTICATED");
    });
  });

  describe("reads", () => {
    it("lists collaborations in one statement whatever the page size", async () => {
      for (let i = 0; i < 3; i++) await newSession(ctx, { members: [uid(), uid()] });
      for (const limit of [1, 30]) {
        const input = ListCollaborationsRequest.parse({ limit });
        expect(await statementsOf(() => listCollaborations(logged, input))).toBe(1);
      }
      const page = await listCollaborations(ctx, ListCollaborationsRequest.parse({ limit: 2 }));
      expect(page.items).toHaveLength(2);
      expect(page.total).toBeGreaterThanOrEqual(3);
      expect(page.items[0]?.session).toMatchObject({ liveMembers: 0, totalMembers: 3 });
      const [newer, older] = page.items;
      expect(Date.parse(newer?.createdAt ?? "")).toBeGreaterThanOrEqual(
        Date.parse(older?.createdAt ?? ""),
      );
    });

    it("reads a session in two statements and its events in two; NOT_FOUND costs at most one", async () => {
      const s = await newSession(ctx);
      await inviteSession(ctx, inviteRequest(s, s.creator, [uid(), uid()]));
      const get = GetSessionRequest.parse({ sessionID: s.sessionID });
      expect(await statementsOf(() => getSession(logged, get))).toBe(2);
      const events = ListSessionEventsRequest.parse({ sessionID: s.sessionID, limit: 1 });
      expect(await statementsOf(() => listSessionEvents(logged, events))).toBe(2);

      const view = await getSession(ctx, get);
      expect(view.liveMembers).toBe(2);
      expect(view.lastEventSeq).toBe(4);
      const page = await listSessionEvents(ctx, events);
      expect(page).toMatchObject({ hasOlder: true, events: [{ seq: 4, outcome: "added" }] });
      const after = await readSessionEventsAfter(ctx, {
        sessionID: s.sessionID,
        afterSeq: 1,
        limit: 10,
      });
      expect(after.map((e) => e.seq)).toEqual([2, 3, 4]);

      const other = contextFor(log.prisma, (await createApp(db.prisma, { name: "B" })).id);
      expect(await statementsOf(() => reasonOf(getSession(other, get)))).toBe(1);
      expect(await reasonOf(getSession(other, get))).toBe("NOT_FOUND");
      const malformed = GetSessionRequest.parse({ sessionID: "nope" });
      expect(await statementsOf(() => reasonOf(getSession(logged, malformed)))).toBe(0);
    });
  });
});
