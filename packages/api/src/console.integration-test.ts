import type { SessionEventView } from "@collab/contracts";
import { createApp, createAppSecretCache } from "@collab/db";
import {
  createStatementLog,
  createTestDatabase,
  type StatementLog,
  type TestDatabase,
  testDatabaseTargets,
} from "@collab/db/testing";
import { createUserToken } from "@collab/user-token";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  type BrowserRequest,
  type ConsoleSessionConfig,
  createCaller,
  createOuterContext,
  LIVE_STREAM_LIMITS,
  liveStreamSlots,
  toHiarError,
} from "./index";
import { SessionEventFeed } from "./realtime/session-event-feed";
import { appRouter } from "./root";
import { createCallerFactory } from "./trpc";
import { authenticateUser } from "./user/authenticate";

/** The deployment settings the use cases get here: the production defaults. */
const settings = { callingTimeoutSeconds: 60, webhooksAllowPrivateNetworks: false } as const;

const callerWithSignal = createCallerFactory(appRouter);

// The console's procedures through createCaller and the outer context, on a real database.

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return toHiarError(error).reason;
  }
  throw new Error("expected the call to fail");
}

/** A browser request that records what the procedures did to its cookie. */
function fakeBrowser(sameOrigin = true) {
  const cookies: string[] = [];
  const browser: BrowserRequest = {
    sameOrigin,
    setSessionCookie: (session) => cookies.push(`in:${session.appId}`),
    clearSessionCookie: () => cookies.push("out"),
  };
  return { browser, cookies };
}

const SESSION: ConsoleSessionConfig = { key: "k".repeat(32), secure: true };

describe.each(testDatabaseTargets())("console procedures on %s", (target) => {
  let db: TestDatabase;
  let appA: { id: string; secret: string; name: string };
  let appB: { id: string; secret: string };
  const trace = { id: "trace-console-test" };
  const callerFor = (app: string | null, browser?: BrowserRequest) =>
    createCaller({
      db: db.prisma,
      app: app === null ? null : { id: app },
      trace,
      settings,
      browser,
    });

  beforeAll(async () => {
    db = await createTestDatabase({ target });
    appA = await createApp(db.prisma, { name: "Console A" });
    appB = await createApp(db.prisma, { name: "Console B" });
  });
  afterAll(async () => {
    await db?.close();
  });

  describe("auth", () => {
    it("signs in with the app's credentials and sets the cookie through the browser", async () => {
      const { browser, cookies } = fakeBrowser();
      const app = await callerFor(null, browser).auth.signIn({
        appId: appA.id,
        secret: appA.secret,
      });
      expect(app).toEqual({ id: appA.id, name: "Console A" });
      expect(cookies).toEqual([`in:${appA.id}`]);
    });

    it("answers a wrong secret and an unknown APPID alike, and sets no cookie", async () => {
      const { browser, cookies } = fakeBrowser();
      const caller = callerFor(null, browser);
      const messages: string[] = [];
      for (const input of [
        { appId: appA.id, secret: "wrong" },
        { appId: appA.id, secret: appB.secret },
        { appId: "hiar-unknown", secret: appA.secret },
      ]) {
        try {
          await caller.auth.signIn(input);
          throw new Error("expected UNAUTHENTICATED");
        } catch (error) {
          const hiar = toHiarError(error);
          expect(hiar.reason).toBe("UNAUTHENTICATED");
          messages.push(hiar.message);
        }
      }
      expect(new Set(messages)).toEqual(new Set(["The APPID or secret is not correct."]));
      expect(cookies).toEqual([]);
    });

    it("refuses a cross-site sign-in and any sign-in without a browser", async () => {
      const { browser, cookies } = fakeBrowser(false);
      const input = { appId: appA.id, secret: appA.secret };
      expect(await reasonOf(callerFor(null, browser).auth.signIn(input))).toBe("PERMISSION_DENIED");
      expect(cookies).toEqual([]);
      expect(await reasonOf(callerFor(null).auth.signIn(input))).toBe("PERMISSION_DENIED");
    });

    it("names the empty field", async () => {
      try {
        await callerFor(null, fakeBrowser().browser).auth.signIn({ appId: " ", secret: "x" });
        throw new Error("expected INVALID_PARAM");
      } catch (error) {
        expect(toHiarError(error)).toMatchObject({ reason: "INVALID_PARAM", field: "appId" });
      }
    });

    it("requires the session for everything but sign-in, and signs out", async () => {
      const anonymous = callerFor(null, fakeBrowser().browser);
      expect(await reasonOf(anonymous.auth.me())).toBe("UNAUTHENTICATED");
      expect(await reasonOf(anonymous.auth.signOutEverywhere())).toBe("UNAUTHENTICATED");
      expect(await reasonOf(anonymous.collaboration.list({}))).toBe("UNAUTHENTICATED");
      expect(await reasonOf(anonymous.session.get({ sessionID: "x" }))).toBe("UNAUTHENTICATED");

      const { browser, cookies } = fakeBrowser();
      expect(await callerFor(appA.id, browser).auth.me()).toEqual({
        id: appA.id,
        name: "Console A",
      });
      expect(await callerFor(appA.id, browser).auth.signOut()).toEqual({ signedOut: true });
      expect(cookies).toEqual(["out"]);
      // A browser whose session had already ended may still sign out (its cookie is cleared).
      const stale = fakeBrowser();
      expect(await callerFor(null, stale.browser).auth.signOut()).toEqual({ signedOut: true });
      expect(stale.cookies).toEqual(["out"]);
    });

    it("refuses a cross-site mutation but answers a cross-site query", async () => {
      const crossSite = callerFor(appA.id, fakeBrowser(false).browser);
      expect(await reasonOf(crossSite.collaboration.create({ userID: "u" }))).toBe(
        "PERMISSION_DENIED",
      );
      expect((await crossSite.auth.me()).id).toBe(appA.id);
    });
  });

  describe("the outer context and revocable sessions", () => {
    const ORIGIN = { origin: "https://console.test", "x-forwarded-proto": "https" };
    function request(headers: Record<string, string>) {
      return new Request("http://console.test/api/trpc/x", {
        headers: { host: "console.test", ...headers },
      });
    }
    const contextFor = (headers: Record<string, string>, session = SESSION) => {
      const resHeaders = new Headers();
      return {
        resHeaders,
        ctx: createOuterContext({
          req: request(headers),
          resHeaders,
          db: db.prisma,
          trace,
          settings,
          session,
        }),
      };
    };
    /** Signs `app` in as a new browser would; its session cookie ("name=value"). */
    async function signInCookie(app: { id: string; secret: string }): Promise<string> {
      const { ctx, resHeaders } = contextFor(ORIGIN);
      await createCaller(await ctx).auth.signIn({ appId: app.id, secret: app.secret });
      const cookie = (resHeaders.get("set-cookie") ?? "").split(";")[0] ?? "";
      expect(cookie).toMatch(/^__Host-collab_console=[\w-]+\.[\w-]{43}$/);
      return cookie;
    }
    const appOf = async (cookie: string) => (await contextFor({ cookie }).ctx).app;

    it("takes the tenant from a live session its cookie names, and nothing else", async () => {
      const fresh = await contextFor(ORIGIN).ctx;
      expect(fresh.app).toBeNull();
      expect(fresh.browser?.sameOrigin).toBe(true);
      const cookie = await signInCookie(appA);

      const next = await contextFor({ cookie: `other=1; ${cookie}` }).ctx;
      expect(next.app).toEqual({ id: appA.id });
      expect(next.browser?.sessionId).toMatch(/^[\w-]{43}$/);
      expect(next.browser?.sameOrigin).toBe(false);

      // Another key, a tampered payload or a plain-http cookie name: no tenant.
      for (const [header, session] of [
        [cookie, { ...SESSION, key: "z".repeat(32) }],
        [cookie.replace("=", "=e30"), SESSION],
        [cookie.replace("__Host-", ""), SESSION],
      ] as const) {
        expect((await contextFor({ cookie: header }, session).ctx).app).toBeNull();
      }
    });

    it("looks the session up with one statement, and a forged cookie with none", async () => {
      const cookie = await signInCookie(appA);
      const log = createStatementLog(db.url);
      try {
        await log.prisma.$queryRaw`SELECT 1`;
        log.clear();
        const build = (header: string) =>
          createOuterContext({
            req: request({ cookie: header }),
            resHeaders: new Headers(),
            db: log.prisma,
            trace,
            settings,
            session: SESSION,
          });
        expect((await build(cookie)).app).toEqual({ id: appA.id });
        expect(log.statements).toHaveLength(1);
        expect(log.statements[0]).toContain("console_session");
        log.clear();
        expect((await build(cookie.replace(/.$/, (c) => (c === "A" ? "B" : "A")))).app).toBeNull();
        expect((await build("")).app).toBeNull();
        expect(log.statements).toHaveLength(0);
      } finally {
        await log.close();
      }
    });

    it("revokes the session at sign-out: a copy of the cookie no longer works", async () => {
      const cookie = await signInCookie(appA);
      const copy = cookie;
      const other = await signInCookie(appA);

      const { ctx, resHeaders } = contextFor({ ...ORIGIN, cookie });
      expect(await createCaller(await ctx).auth.signOut()).toEqual({ signedOut: true });
      expect(resHeaders.get("set-cookie")).toMatch(/^__Host-collab_console=; .*Max-Age=0/);

      expect(await appOf(copy)).toBeNull();
      const replay = createCaller(await contextFor({ cookie: copy }).ctx);
      expect(await reasonOf(replay.auth.me())).toBe("UNAUTHENTICATED");
      expect(await reasonOf(replay.collaboration.list({}))).toBe("UNAUTHENTICATED");
      // The app's other browser stays signed in.
      expect(await appOf(other)).toEqual({ id: appA.id });
    });

    it("signs out everywhere: every browser of the app, not another app's", async () => {
      const first = await signInCookie(appA);
      const second = await signInCookie(appA);
      const otherApp = await signInCookie(appB);
      expect(await appOf(second)).toEqual({ id: appA.id });

      const { ctx, resHeaders } = contextFor({ ...ORIGIN, cookie: first });
      const result = await createCaller(await ctx).auth.signOutEverywhere();
      expect(result.revokedSessions).toBeGreaterThanOrEqual(2);
      expect(resHeaders.get("set-cookie")).toMatch(/Max-Age=0/);

      for (const cookie of [first, second]) {
        expect(await appOf(cookie)).toBeNull();
        const caller = createCaller(await contextFor({ cookie }).ctx);
        expect(await reasonOf(caller.auth.me())).toBe("UNAUTHENTICATED");
      }
      expect(await appOf(otherApp)).toEqual({ id: appB.id });

      // It is a mutation: refused cross-site, and it needs a session.
      const fresh = await signInCookie(appA);
      const crossSite = contextFor({ origin: "https://evil.test", cookie: fresh });
      expect(await reasonOf(createCaller(await crossSite.ctx).auth.signOutEverywhere())).toBe(
        "PERMISSION_DENIED",
      );
      expect(await appOf(fresh)).toEqual({ id: appA.id });
    });

    it("ends the browser's previous session when it signs in again", async () => {
      const before = await signInCookie(appA);
      const { ctx } = contextFor({ ...ORIGIN, cookie: before });
      await createCaller(await ctx).auth.signIn({ appId: appB.id, secret: appB.secret });
      expect(await appOf(before)).toBeNull();
    });

    it("compares the scheme as well as the host (Origin vs X-Forwarded-Proto + Host)", async () => {
      const mixed = await contextFor({
        origin: "http://console.test",
        "x-forwarded-proto": "https",
      }).ctx;
      expect(mixed.browser?.sameOrigin).toBe(false);
      const input = { appId: appA.id, secret: appA.secret };
      expect(await reasonOf(createCaller(mixed).auth.signIn(input))).toBe("PERMISSION_DENIED");
      const plain = await contextFor({ origin: "http://console.test" }).ctx;
      expect(plain.browser?.sameOrigin).toBe(true);
    });

    it("refuses sign-in plainly when the server has no cookie-signing key", async () => {
      const disabled: ConsoleSessionConfig = { key: null, secure: true };
      const { ctx, resHeaders } = contextFor(ORIGIN, disabled);
      try {
        await createCaller(await ctx).auth.signIn({ appId: appA.id, secret: appA.secret });
        throw new Error("expected PERMISSION_DENIED");
      } catch (error) {
        expect(toHiarError(error)).toMatchObject({
          reason: "PERMISSION_DENIED",
          httpStatus: 403,
          message: "Console sign-in is disabled: CONSOLE_SESSION_SECRET is not set on the server.",
        });
      }
      expect(resHeaders.get("set-cookie")).toBeNull();
      // And no cookie is accepted without the key.
      const cookie = await signInCookie(appA);
      expect((await contextFor({ cookie }, disabled).ctx).app).toBeNull();
    });
  });

  describe("collaborations and sessions", () => {
    it("lists the app's collaborations newest first with counts, paginated, tenant-only", async () => {
      const caller = callerFor(appB.id);
      const made: string[] = [];
      for (let i = 0; i < 3; i++) {
        const ids = await caller.collaboration.create({
          userID: "owner",
          detail: `c${i}`,
          members: [{ userID: "m1" }, { userID: "m2" }],
        });
        made.push(ids.collaborationID);
        if (i === 2) {
          await caller.session.invite({ ...ids, userID: "owner", members: [{ userID: "m3" }] });
        }
      }
      const first = await caller.collaboration.list({ limit: 2 });
      expect(first.total).toBe(3);
      expect(first.items.map((c) => c.collaborationID)).toEqual([made[2], made[1]]);
      expect(first.items[0]).toMatchObject({
        detail: "c2",
        state: "COLLABORATION_START",
        creatorID: "owner",
        session: { state: "SESSION_SCHEDULE", liveMembers: 1, totalMembers: 4 },
      });
      expect(first.items[1]?.session).toMatchObject({ liveMembers: 0, totalMembers: 3 });
      const second = await caller.collaboration.list({ limit: 2, offset: 2 });
      expect(second.items.map((c) => c.collaborationID)).toEqual([made[0]]);
      const past = await caller.collaboration.list({ limit: 2, offset: 10 });
      expect(past).toMatchObject({ items: [], total: 3 });

      const other = await callerFor(appA.id).collaboration.list({});
      expect(other.items.some((c) => made.includes(c.collaborationID))).toBe(false);
      expect(await reasonOf(caller.collaboration.list({ limit: 101 }))).toBe("INVALID_PARAM");
    });

    it("shows a session with its members, and not another app's", async () => {
      const caller = callerFor(appA.id);
      const ids = await caller.collaboration.create({
        userID: "alice",
        detail: "Inspection",
        members: [{ userID: "bob", roles: [2] }],
        ruleSettings: { numberLimit: 3 },
      });
      await caller.session.invite({
        ...ids,
        userID: "alice",
        members: [{ userID: "carol", deviceType: 4, roles: [1, 3] }],
      });
      const view = await caller.session.get({ sessionID: ids.sessionID });
      expect(view).toMatchObject({
        sessionID: ids.sessionID,
        collaborationID: ids.collaborationID,
        state: "SESSION_SCHEDULE",
        collaboration: { detail: "Inspection", creatorID: "alice", numberLimit: 3 },
        memberLimit: 3,
        liveMembers: 1,
        lastEventSeq: 4,
      });
      expect(view.members.map((m) => m.userID)).toEqual(["alice", "bob", "carol"]);
      expect(view.members[1]).toMatchObject({ roles: [2], invitedBy: null, invitedAt: null });
      expect(view.members[2]).toMatchObject({
        memberSessionState: "MEMBER_CALLING",
        roles: [1, 3],
        deviceType: 4,
        invitedBy: "alice",
      });
      expect(Date.parse(view.members[2]?.invitedAt ?? "")).not.toBeNaN();

      expect(await reasonOf(callerFor(appB.id).session.get({ sessionID: ids.sessionID }))).toBe(
        "NOT_FOUND",
      );
      expect(await reasonOf(caller.session.get({ sessionID: "not-an-id" }))).toBe("NOT_FOUND");
      expect(await reasonOf(callerFor(appB.id).session.events({ sessionID: ids.sessionID }))).toBe(
        "NOT_FOUND",
      );
    });

    it("pages the timeline back from the newest event", async () => {
      const caller = callerFor(appA.id);
      const ids = await caller.collaboration.create({ userID: "alice" });
      for (const userID of ["u1", "u2", "u3", "u4"]) {
        await caller.session.invite({
          ...ids,
          userID: "alice",
          members: [{ userID }],
        });
      }
      // seq 1 session.created, 2 member.added (alice), 3–6 invites.
      const newest = await caller.session.events({ sessionID: ids.sessionID, limit: 4 });
      expect(newest.events.map((e) => e.seq)).toEqual([6, 5, 4, 3]);
      expect(newest.hasOlder).toBe(true);
      expect(newest.events[0]).toMatchObject({
        type: "member.invited",
        actorID: "alice",
        subjectID: "u4",
        fromState: null,
        toState: "MEMBER_CALLING",
        traceID: trace.id,
        outcome: "added",
      });
      const older = await caller.session.events({
        sessionID: ids.sessionID,
        beforeSeq: 3,
        limit: 4,
      });
      expect(older.events.map((e) => e.seq)).toEqual([2, 1]);
      expect(older.hasOlder).toBe(false);
      expect(older.events[1]).toMatchObject({ type: "session.created", outcome: null });
    });
  });

  describe("the live event stream", () => {
    let otherInstance: StatementLog;
    beforeAll(() => {
      // A second client with its own pool: events it writes stand for another server instance.
      otherInstance = createStatementLog(db.url);
    });
    afterAll(async () => {
      await otherInstance?.close();
    });

    /** A caller whose subscriptions end when `signal` aborts (the HTTP request going away). */
    const streamCaller = (signal: AbortSignal) =>
      callerWithSignal({ db: db.prisma, app: { id: appA.id }, trace, settings }, { signal });

    /**
     * The first `n` items of a stream as { id, data }: in-process a tracked event is tRPC's raw
     * envelope ([id, data, marker]); the SSE adapter turns it into the `id:` line.
     */
    async function take(
      iterable: AsyncIterable<unknown>,
      n: number,
    ): Promise<{ id: string; data: SessionEventView }[]> {
      const out: { id: string; data: SessionEventView }[] = [];
      for await (const item of iterable) {
        const [id, data] = item as [string, SessionEventView];
        out.push({ id, data });
        if (out.length === n) break;
      }
      return out;
    }

    it("streams new events written by another instance, resuming after lastEventId", async () => {
      const caller = callerFor(appA.id);
      const ids = await caller.collaboration.create({ userID: "alice" });
      const other = createCaller({
        db: otherInstance.prisma,
        app: { id: appA.id },
        trace,
        settings,
      });
      const controller = new AbortController();
      const stream = await streamCaller(controller.signal).session.onEvent({
        sessionID: ids.sessionID,
      });
      const received = take(stream, 2);
      // Written after the stream started, through the other client.
      await other.session.invite({ ...ids, userID: "alice", members: [{ userID: "x1" }] });
      await other.session.invite({ ...ids, userID: "alice", members: [{ userID: "x2" }] });
      const started = Date.now();
      const events = await received;
      // A sanity bound only: the 2 s promise is checked end to end in apps/web's browser test.
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(events.map((e) => [e.id, e.data.subjectID])).toEqual([
        ["3", "x1"],
        ["4", "x2"],
      ]);
      controller.abort();

      // A reconnect with the last id seen gets exactly what came after, in order.
      await other.session.invite({ ...ids, userID: "alice", members: [{ userID: "x3" }] });
      const resumed = await take(
        await caller.session.onEvent({ sessionID: ids.sessionID, lastEventId: "2" }),
        2,
      );
      expect(resumed.map((e) => e.id)).toEqual(["3", "4"]);
      const tail = await take(
        await caller.session.onEvent({ sessionID: ids.sessionID, lastEventId: "4" }),
        1,
      );
      expect(tail.map((e) => [e.id, e.data.subjectID])).toEqual([["5", "x3"]]);
    });

    it("ends when the client goes away, and refuses another app's session", async () => {
      const caller = callerFor(appA.id);
      const ids = await caller.collaboration.create({ userID: "alice" });
      const controller = new AbortController();
      const stream = await streamCaller(controller.signal).session.onEvent({
        sessionID: ids.sessionID,
      });
      const iterator = stream[Symbol.asyncIterator]();
      const next = iterator.next();
      await vi.waitFor(() => expect(liveStreamSlots().openFor(appA.id)).toBe(1));
      setTimeout(() => controller.abort(), 100);
      expect((await next).done).toBe(true);
      // Its slot is free again.
      expect(liveStreamSlots().openFor(appA.id)).toBe(0);

      const foreign = await callerFor(appB.id).session.onEvent({ sessionID: ids.sessionID });
      expect(await reasonOf(foreign[Symbol.asyncIterator]().next())).toBe("NOT_FOUND");
      expect(
        await reasonOf(caller.session.onEvent({ sessionID: ids.sessionID, lastEventId: "x" })),
      ).toBe("INVALID_PARAM");
    });

    it("refuses a stream past the app's number of open streams, and serves it once one closes", async () => {
      const caller = callerFor(appB.id);
      const ids = await caller.collaboration.create({ userID: "alice" });
      const slots = liveStreamSlots();
      const held = Array.from({ length: LIVE_STREAM_LIMITS.perApp - slots.openFor(appB.id) }, () =>
        slots.acquire(appB.id),
      );
      try {
        const refused = await caller.session.onEvent({ sessionID: ids.sessionID });
        expect(await reasonOf(refused[Symbol.asyncIterator]().next())).toBe("RATE_LIMITED");
        // Another app is not affected.
        const otherIds = await callerFor(appA.id).collaboration.create({ userID: "alice" });
        const controller = new AbortController();
        const other = await streamCaller(controller.signal).session.onEvent({
          sessionID: otherIds.sessionID,
        });
        const pending = other[Symbol.asyncIterator]().next();
        await vi.waitFor(() => expect(slots.openFor(appA.id)).toBe(1));
        controller.abort();
        await pending;
      } finally {
        for (const release of held) release();
      }
      expect(slots.openFor(appB.id)).toBe(0);
    });

    it("checks all watched sessions with one statement per tick, and stops when no one waits", async () => {
      const log = createStatementLog(db.url);
      try {
        await log.prisma.$queryRaw`SELECT 1`; // connect outside the measurement
        log.clear();
        const feed = new SessionEventFeed(log.prisma, { intervalMs: 50 });
        const caller = callerFor(appA.id);
        const a = await caller.collaboration.create({ userID: "alice" });
        const b = await caller.collaboration.create({ userID: "alice" });
        const waits = [a, b].map((ids) =>
          feed.waitForEventAfter({ appId: appA.id, sessionId: ids.sessionID }, 2),
        );
        expect(feed.watchedCount).toBe(2);
        // Ticks keep coming while both wait (generous timeout: CI runs many databases at once).
        await vi.waitFor(() => expect(log.statements.length).toBeGreaterThanOrEqual(2), {
          timeout: 15_000,
          interval: 50,
        });
        // Each tick is one statement for both sessions: nothing else is sent.
        expect(log.statements.every((s) => s.includes("session_event"))).toBe(true);

        await caller.session.invite({ ...a, userID: "alice", members: [{ userID: "y" }] });
        await caller.session.invite({ ...b, userID: "alice", members: [{ userID: "y" }] });
        await Promise.all(waits);
        expect(feed.watchedCount).toBe(0);
        const after = log.statements.length;
        await new Promise((resolve) => setTimeout(resolve, 150));
        expect(log.statements.length).toBe(after);
        feed.close();
      } finally {
        await log.close();
      }
    });
  });
});

describe.each(testDatabaseTargets())("appSecret.rotate on %s", (target) => {
  let db: TestDatabase;
  const trace = { id: "trace-rotate-test" };
  const callerFor = (app: string | null, browser?: BrowserRequest) =>
    createCaller({
      db: db.prisma,
      app: app === null ? null : { id: app },
      trace,
      settings: { ...settings, secretRotationOverlapMs: 7_200_000 },
      browser,
    });

  beforeAll(async () => {
    db = await createTestDatabase({ target });
  });
  afterAll(async () => {
    await db?.close();
  });

  it("issues a new secret once; both sign in during the overlap, then only the new one", async () => {
    const app = await createApp(db.prisma, { name: "Rotating" });
    const before = Date.now();
    const rotated = await callerFor(app.id, fakeBrowser().browser).appSecret.rotate({});
    expect(rotated.secret).toMatch(/^[A-Za-z0-9]{32}$/);
    // The deployment's default overlap (here 2 h), on the database's clock.
    const expiresAt = Date.parse(rotated.previousExpiresAt ?? "");
    expect(Math.abs(expiresAt - (before + 7_200_000))).toBeLessThan(60_000);

    const signIn = (secret: string) =>
      callerFor(null, fakeBrowser().browser).auth.signIn({ appId: app.id, secret });
    expect(await signIn(rotated.secret)).toEqual({ id: app.id, name: "Rotating" });
    expect(await signIn(app.secret)).toEqual({ id: app.id, name: "Rotating" });
    await db.prisma.$executeRaw`
      UPDATE "app" SET "previous_secret_expires_at" = now() - interval '1 second'
      WHERE "id" = ${app.id}`;
    expect(await reasonOf(signIn(app.secret))).toBe("UNAUTHENTICATED");
    expect(await signIn(rotated.secret)).toEqual({ id: app.id, name: "Rotating" });

    // An explicit overlap of 0 ends the previous secret at once.
    const now = await callerFor(app.id, fakeBrowser().browser).appSecret.rotate({
      overlapHours: 0,
    });
    expect(now.previousExpiresAt).toBeNull();
    expect(await reasonOf(signIn(rotated.secret))).toBe("UNAUTHENTICATED");
  });

  it("user tokens signed with the previous secret stay valid for the overlap, then not", async () => {
    const app = await createApp(db.prisma, { name: "Token issuer" });
    const token = await createUserToken({
      appId: app.id,
      secret: app.secret,
      userID: "dana",
      ttlSeconds: 3_600,
    });
    await callerFor(app.id, fakeBrowser().browser).appSecret.rotate({ overlapHours: 1 });
    // A fresh cache each time: what any instance sees once its cached entry has expired.
    const user = await authenticateUser(db.prisma, token, createAppSecretCache(db.prisma));
    expect(user).toMatchObject({ appId: app.id, user: { id: "dana" } });
    await db.prisma.$executeRaw`
      UPDATE "app" SET "previous_secret_expires_at" = now() - interval '1 second'
      WHERE "id" = ${app.id}`;
    expect(
      await reasonOf(authenticateUser(db.prisma, token, createAppSecretCache(db.prisma))),
    ).toBe("UNAUTHENTICATED");
  });

  it("needs a signed-in app, a same-origin page, and an overlap within 30 days", async () => {
    const app = await createApp(db.prisma, { name: "Guarded" });
    expect(await reasonOf(callerFor(null).appSecret.rotate({}))).toBe("UNAUTHENTICATED");
    expect(await reasonOf(callerFor(app.id, fakeBrowser(false).browser).appSecret.rotate({}))).toBe(
      "PERMISSION_DENIED",
    );
    expect(
      await reasonOf(
        callerFor(app.id, fakeBrowser().browser).appSecret.rotate({ overlapHours: 721 }),
      ),
    ).toBe("INVALID_PARAM");
    // Nothing changed: the original secret is still the only one.
    expect(
      await callerFor(null, fakeBrowser().browser).auth.signIn({
        appId: app.id,
        secret: app.secret,
      }),
    ).toEqual({ id: app.id, name: "Guarded" });
  });
});
