import { createServer } from "node:net";
import { HiarError } from "@collab/contracts";
import { createDb, type Db } from "@collab/db";
import { createTestDatabase, testDatabaseTargets } from "@collab/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SignInThrottle } from "../console/sign-in-throttle";
import { createLimitStore, type LimitStore, type TokenDecision } from "./store";

// The limit stores' contract, for each store: in this process, in PostgreSQL (and PGlite), in
// Redis (TEST_REDIS_URL, default the local server on 127.0.0.1:6379; empty: skipped). "Two instances" are two
// store objects with their own connections on one shared backend: concurrent checks through both
// get exactly the limit, once.

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/0";
/** TEST_REDIS_URL= (empty): no Redis here (scripts/test-setup.mjs sets it so when none answers). */
const WITH_REDIS = REDIS_URL.trim() !== "";

interface Target {
  readonly name: string;
  /** Two stores as two server instances would have them (the same one for memory). */
  open(): Promise<{ a: LimitStore; b: LimitStore; close(): Promise<void> }>;
}

const targets: Target[] = [
  {
    name: "memory",
    async open() {
      const store = createLimitStore({ kind: "memory" });
      return { a: store, b: store, close: () => store.close() };
    },
  },
  ...testDatabaseTargets().map(
    (target): Target => ({
      name: `postgres (${target})`,
      async open() {
        const db = await createTestDatabase({ target });
        // PGlite is one session in this process: a second pool would share it anyway.
        const other: Db | null =
          db.kind === "postgres" ? await createDb({ databaseUrl: db.url }) : null;
        const a = createLimitStore({ kind: "postgres", db: db.prisma });
        const b = createLimitStore({ kind: "postgres", db: (other ?? db).prisma });
        return {
          a,
          b,
          async close() {
            await other?.close();
            await db.close();
          },
        };
      },
    }),
  ),
];
if (WITH_REDIS) {
  targets.push({
    name: "redis",
    async open() {
      const keyPrefix = `collab-test:${crypto.randomUUID()}:`;
      const a = createLimitStore({ kind: "redis", url: REDIS_URL, keyPrefix });
      const b = createLimitStore({ kind: "redis", url: REDIS_URL, keyPrefix });
      await Promise.all([a.ready(), b.ready()]);
      return {
        a,
        b,
        async close() {
          await Promise.all([a.close(), b.close()]);
        },
      };
    },
  });
}

describe.each(targets)("limit store: $name", (target) => {
  let a: LimitStore;
  let b: LimitStore;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ a, b, close } = await target.open());
  });
  afterAll(async () => {
    await close?.();
  });

  const split = <T>(n: number, run: (store: LimitStore) => Promise<T>) =>
    Promise.all(Array.from({ length: n }, (_, i) => run(i % 2 === 0 ? a : b)));

  it("gives exactly the burst to parallel takes through two instances, then a Retry-After", async () => {
    const key = crypto.randomUUID();
    const bucket = { perSecond: 0.01, burst: 10 };
    const decisions = await split(40, (store) => store.takeToken(key, bucket));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(bucket.burst);
    for (const decision of decisions) {
      // At 0.01/s the next token is up to 100 s away.
      if (!decision.allowed) expect(decision.retryAfterMs).toBeGreaterThan(50_000);
    }
    // Each key has its own bucket.
    expect((await a.takeToken(`${key}-other`, bucket)).allowed).toBe(true);
  });

  it("refills at the rate", async () => {
    const key = crypto.randomUUID();
    const bucket = { perSecond: 20, burst: 1 };
    expect((await a.takeToken(key, bucket)).allowed).toBe(true);
    const refused = await b.takeToken(key, bucket);
    // Unless the machine was slow enough for the refill to come in between.
    if (!refused.allowed) {
      expect(refused.retryAfterMs).toBeLessThanOrEqual(50);
      const started = Date.now();
      let next: TokenDecision = refused;
      while (!next.allowed) {
        expect(Date.now() - started).toBeLessThan(5_000);
        const waitMs: number = next.retryAfterMs;
        await new Promise((resolve) => setTimeout(resolve, waitMs));
        next = await b.takeToken(key, bucket);
      }
    }
  });

  it("counts failures per key exactly through two instances; refund and clear", async () => {
    const window = { limit: 5, windowMs: 300_000 };
    const onA = a.failureCounter("app", window, 100);
    const onB = b.failureCounter("app", window, 100);
    const key = crypto.randomUUID();
    const waits = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? onA : onB).take(key)),
    );
    expect(waits.filter((w) => w === 0)).toHaveLength(window.limit);
    for (const wait of waits.filter((w) => w > 0)) {
      expect(wait).toBeGreaterThan(250_000);
      expect(wait).toBeLessThanOrEqual(300_000);
    }
    expect(await onB.blockedFor(key)).toBeGreaterThan(250_000);
    await onA.refund(key);
    expect(await onB.blockedFor(key)).toBe(0);
    expect(await onB.take(key)).toBe(0);
    expect(await onA.take(key)).toBeGreaterThan(0);
    await onB.clear(key);
    expect(await onA.blockedFor(key)).toBe(0);
  });

  it("keeps tables apart", async () => {
    const window = { limit: 1, windowMs: 300_000 };
    const key = crypto.randomUUID();
    expect(await a.failureCounter("app", window, 100).take(key)).toBe(0);
    expect(await a.failureCounter("app", window, 100).take(key)).toBeGreaterThan(0);
    expect(await b.failureCounter("client", window, 100).take(key)).toBe(0);
  });

  it("throttles sign-ins across two instances: exactly 5 failures are checked", async () => {
    const options = { maxFailures: 5, windowSeconds: 300 };
    const throttles = [
      new SignInThrottle({ ...options, store: a }),
      new SignInThrottle({ ...options, store: b }),
    ];
    const appId = `hiar${crypto.randomUUID().slice(0, 16)}`;
    let checked = 0;
    const outcomes = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        (throttles[i % 2] as SignInThrottle)
          .guard(
            { appId, clientAddress: null },
            {
              appExists: async () => true,
              signIn: async () => {
                checked += 1;
                throw new HiarError("UNAUTHENTICATED");
              },
            },
          )
          .catch((error: HiarError) => error.reason),
      ),
    );
    expect(checked).toBe(5);
    expect(outcomes.filter((r) => r === "UNAUTHENTICATED")).toHaveLength(5);
    expect(outcomes.filter((r) => r === "RATE_LIMITED")).toHaveLength(11);
  });
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

describe("an unreachable Redis", () => {
  let store: LimitStore;
  const errors: Error[] = [];

  beforeAll(async () => {
    store = createLimitStore({
      kind: "redis",
      url: `redis://127.0.0.1:${await closedPort()}/0`,
      keyPrefix: "collab-test:",
      onError: (error) => errors.push(error),
    });
  });
  afterAll(async () => {
    await store?.close();
  });

  it("fails a check at once rather than waiting for it", async () => {
    const started = Date.now();
    await expect(store.takeToken("app", { perSecond: 1, burst: 1 })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("makes the sign-in throttle refuse (UNAVAILABLE) without checking the secret", async () => {
    const throttle = new SignInThrottle({ maxFailures: 5, windowSeconds: 300, store });
    let checked = 0;
    const outcome = await throttle
      .guard(
        { appId: "hiar0000000000000000", clientAddress: "203.0.113.9" },
        {
          appExists: async () => true,
          signIn: async () => {
            checked += 1;
            return "signed in";
          },
        },
      )
      .catch((error: HiarError) => error);
    expect(outcome).toBeInstanceOf(HiarError);
    expect((outcome as HiarError).reason).toBe("UNAVAILABLE");
    expect((outcome as HiarError).httpStatus).toBe(503);
    expect(checked).toBe(0);
  });
});
