import { createApp } from "@collab/db";
import { createTestDatabase, type TestDatabase, testDatabaseTargets } from "@collab/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BrowserRequest,
  clientAddressOf,
  createCaller,
  createOuterContext,
  SignInThrottle,
  toHiarError,
} from "./index";

/** The deployment settings the use cases get here: the production defaults. */
const settings = { callingTimeoutSeconds: 60, webhooksAllowPrivateNetworks: false } as const;

// auth.signIn behind the sign-in throttle, through createCaller on a real database.

const SESSION = { key: "k".repeat(32), secure: true } as const;

describe.each(testDatabaseTargets())("console sign-in throttle on %s", (target) => {
  let db: TestDatabase;
  let appA: { id: string; secret: string };
  let appB: { id: string; secret: string };
  const trace = { id: "trace-sign-in-throttle" };

  beforeAll(async () => {
    db = await createTestDatabase({ target });
    appA = await createApp(db.prisma, { name: "Throttled A" });
    appB = await createApp(db.prisma, { name: "Throttled B" });
  });
  afterAll(async () => {
    await db?.close();
  });

  function signInWith(throttle: SignInThrottle, clientAddress: string | null = null) {
    const cookies: string[] = [];
    const browser: BrowserRequest = {
      sameOrigin: true,
      clientAddress,
      signInThrottle: throttle,
      setSessionCookie: (session) => cookies.push(session.appId),
      clearSessionCookie: () => {},
    };
    const caller = createCaller({ db: db.prisma, app: null, trace, settings, browser });
    return {
      cookies,
      attempt: async (appId: string, secret: string) => {
        try {
          await caller.auth.signIn({ appId, secret });
          return { reason: "OK", message: "" };
        } catch (error) {
          const hiar = toHiarError(error);
          return { reason: hiar.reason, message: hiar.message, httpStatus: hiar.httpStatus };
        }
      },
    };
  }

  it("refuses an APPID after 5 failures, even with its secret, until the window passes", async () => {
    const throttle = new SignInThrottle({ maxFailures: 5, windowSeconds: 2 });
    const { attempt, cookies } = signInWith(throttle);
    for (let i = 0; i < 5; i++) {
      expect((await attempt(appA.id, `wrong-${i}`)).reason).toBe("UNAUTHENTICATED");
    }
    const refused = await attempt(appA.id, appA.secret);
    expect(refused).toEqual({
      reason: "RATE_LIMITED",
      message: expect.stringMatching(/^too many failed sign-ins: try again in [12] s$/),
      httpStatus: 429,
    });
    expect(cookies).toEqual([]);

    // Another app is unaffected.
    expect((await attempt(appB.id, appB.secret)).reason).toBe("OK");
    expect(cookies).toEqual([appB.id]);

    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect((await attempt(appA.id, appA.secret)).reason).toBe("OK");
    expect(cookies).toEqual([appB.id, appA.id]);
  });

  it("resets an APPID's failures when it signs in", async () => {
    const throttle = new SignInThrottle({ maxFailures: 2, windowSeconds: 60 });
    const { attempt } = signInWith(throttle);
    expect((await attempt(appA.id, "wrong")).reason).toBe("UNAUTHENTICATED");
    expect((await attempt(appA.id, appA.secret)).reason).toBe("OK");
    expect((await attempt(appA.id, "wrong")).reason).toBe("UNAUTHENTICATED");
    expect((await attempt(appA.id, "wrong")).reason).toBe("UNAUTHENTICATED");
    expect((await attempt(appA.id, appA.secret)).reason).toBe("RATE_LIMITED");
  });

  it("counts unknown APPIDs like known ones, and one client's failures across APPIDs", async () => {
    const throttle = new SignInThrottle({ maxFailures: 1, windowSeconds: 60 });
    const { attempt } = signInWith(throttle, "203.0.113.9");
    expect((await attempt("hiar-unknown", "x")).reason).toBe("UNAUTHENTICATED");
    expect((await attempt("hiar-unknown", "x")).reason).toBe("RATE_LIMITED");
    for (let i = 1; i < 4; i++) {
      expect((await attempt(`hiar-unknown-${i}`, "x")).reason).toBe("UNAUTHENTICATED");
    }
    // The client has had 4 failures (the factor times the limit of 1): appB is refused to it.
    expect((await attempt(appB.id, appB.secret)).reason).toBe("RATE_LIMITED");
    expect((await signInWith(throttle, "198.51.100.2").attempt(appB.id, appB.secret)).reason).toBe(
      "OK",
    );
  });

  it("passes the endpoint's throttle and the client address through the outer context", async () => {
    const throttle = new SignInThrottle({ maxFailures: 1, windowSeconds: 60 });
    const context = (forwardedFor?: string) =>
      createOuterContext({
        req: new Request("http://console.test/api/trpc/auth.signIn", {
          headers: {
            origin: "http://console.test",
            host: "console.test",
            ...(forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor }),
          },
        }),
        resHeaders: new Headers(),
        db: db.prisma,
        trace,
        settings,
        session: SESSION,
        signInThrottle: throttle,
      });
    expect((await context("198.51.100.1, 10.0.0.1")).browser?.clientAddress).toBe("10.0.0.1");
    expect((await context("203.0.113.5")).browser?.clientAddress).toBe("203.0.113.5");
    expect((await context()).browser?.clientAddress).toBeNull();
    expect((await context()).browser?.signInThrottle).toBe(throttle);

    const first = createCaller(await context()).auth.signIn({ appId: appB.id, secret: "wrong" });
    expect(toHiarError(await first.catch((e) => e)).reason).toBe("UNAUTHENTICATED");
    const second = createCaller(await context()).auth.signIn({
      appId: appB.id,
      secret: appB.secret,
    });
    expect(toHiarError(await second.catch((e) => e)).reason).toBe("RATE_LIMITED");
  });
});

describe("clientAddressOf", () => {
  it("takes the X-Forwarded-For address (the last entry, should it still be a list)", () => {
    const of = (value?: string) =>
      clientAddressOf(new Headers(value === undefined ? {} : { "x-forwarded-for": value }));
    expect(of()).toBeNull();
    expect(of("")).toBeNull();
    expect(of("127.0.0.1")).toBe("127.0.0.1");
    expect(of("spoofed, 192.0.2.4")).toBe("192.0.2.4");
    expect(of("192.0.2.4, ")).toBeNull();
    expect(of("x".repeat(500))).toHaveLength(100);
  });
});
