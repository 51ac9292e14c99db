import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { CreateCollaborationResponse } from "@collab/contracts";
import { type CreatedApp, createApp } from "@collab/db";
import { createTestDatabase, type TestDatabase, testDatabaseTargets } from "@collab/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Credentials, hiarPost } from "./hiar-client";
import { rawConnection } from "./raw-http";
import { startTestServer, type TestServer } from "./server";
import { startWebhookReceiver, type WebhookReceiver } from "./webhook-receiver";

// More than one instance: two production servers (A and B, WORKER_IN_SERVER=0) and one
// `pnpm worker` process on one fresh PostgreSQL database, as behind a load balancer. Everything a
// request or the background work depends on must hold across them: nonces, the member cap, the
// console's live events, the rate limits (shared store), calling timeouts and webhooks.

const workerDir = fileURLToPath(new URL("../../../packages/worker/", import.meta.url));
const postgres = testDatabaseTargets().includes("postgres");

/** Every app's REST bucket: 30 at once, then one per 1000 s (no refill during the test). */
const BURST = 30;
const PER_SECOND = 0.001;
const SIGN_IN_FAILURES = 3;
/** Three times as many failed sign-ins, sorted: the allowed failures answered, the rest refused. */
const THROTTLED_SIGN_INS = [
  ...Array<number>(SIGN_IN_FAILURES).fill(401),
  ...Array<number>(SIGN_IN_FAILURES * 2).fill(429),
];

interface WorkerProcess {
  readonly output: () => string;
  stop(): Promise<number | NodeJS.Signals | null>;
}

/** `pnpm worker` (packages/worker's start script) on the given database. */
function startWorker(env: Record<string, string>): WorkerProcess {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "src/cli.ts"], {
    cwd: workerDir,
    env: { ...process.env, NODE_ENV: "production", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal)),
  );
  return {
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
        const outcome = await exited;
        clearTimeout(timer);
        return outcome;
      }
      return child.exitCode ?? child.signalCode;
    },
  };
}

/** Two servers on one database, with the same console key and limits. */
async function startPair(
  databaseUrl: string,
  env: Record<string, string>,
): Promise<[TestServer, TestServer]> {
  const shared = {
    databaseUrl,
    appCount: 0,
    env: {
      WORKER_IN_SERVER: "0",
      // Any instance accepts the console cookie another one signed.
      CONSOLE_SESSION_SECRET: randomBytes(32).toString("base64url"),
      HIAR_RATE_LIMIT_BURST: String(BURST),
      HIAR_RATE_LIMIT_PER_SECOND: String(PER_SECOND),
      CONSOLE_SIGN_IN_MAX_FAILURES: String(SIGN_IN_FAILURES),
      ...env,
    },
  };
  return Promise.all([startTestServer("postgres", shared), startTestServer("postgres", shared)]);
}

function signIn(server: TestServer, credentials: Credentials): Promise<Response> {
  return fetch(new URL("/api/trpc/auth.signIn", server.baseUrl), {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.baseUrl },
    body: JSON.stringify({ appId: credentials.id, secret: credentials.secret }),
  });
}

/** N signed requests of one app, alternately to A and B, all at once: their statuses. */
async function burstAcross(servers: readonly TestServer[], app: Credentials, n: number) {
  const responses = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      hiarPost(servers[i % servers.length] as TestServer, app, "/user/query", {
        userID: `nobody-${i}`,
      }),
    ),
  );
  return responses.map((response) => response.status);
}

/** N wrong-secret console sign-ins for one APPID, alternately on A and B, all at once. */
async function failedSignInsAcross(servers: readonly TestServer[], appId: string, n: number) {
  const responses = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      signIn(servers[i % servers.length] as TestServer, {
        id: appId,
        secret: `wrong-${randomUUID()}`,
      }),
    ),
  );
  return responses.map((response) => response.status);
}

const count = (values: readonly number[], value: number) =>
  values.filter((v) => v === value).length;

describe.skipIf(!postgres)("two server instances and one worker on one PostgreSQL", () => {
  let db: TestDatabase;
  let a: TestServer;
  let b: TestServer;
  let worker: WorkerProcess;
  let receiver: WebhookReceiver;
  /** One app per check, so each spends its own rate-limit bucket. */
  const apps: Record<
    "nonce" | "cap" | "live" | "limit" | "signIn" | "timeouts" | "webhooks",
    CreatedApp
  > = {} as never;

  async function create(server: TestServer, app: Credentials, ruleSettings = {}) {
    const creator = `creator-${randomUUID()}`;
    const response = await hiarPost(server, app, "/create", { userID: creator, ruleSettings });
    expect(response.status, response.text).toBe(200);
    const { data } = CreateCollaborationResponse.parse(response.body);
    return { creator, collaborationID: data.collaborationID, sessionID: data.sessionID };
  }

  async function invite(
    server: TestServer,
    app: Credentials,
    call: { creator: string; collaborationID: string; sessionID: string },
    members: readonly string[],
  ) {
    return hiarPost(server, app, "/session/invite", {
      collaborationID: call.collaborationID,
      sessionID: call.sessionID,
      userID: call.creator,
      members: members.map((userID) => ({ userID })),
    });
  }

  beforeAll(async () => {
    db = await createTestDatabase({ target: "postgres" });
    receiver = await startWebhookReceiver({
      lookupSecret: (id) => (id === apps.webhooks?.id ? apps.webhooks.secret : null),
    });
    for (const name of ["nonce", "cap", "live", "limit", "signIn", "timeouts"] as const) {
      apps[name] = await createApp(db.prisma, { name });
    }
    apps.webhooks = await createApp(db.prisma, {
      name: "webhooks",
      webhookUrl: receiver.url,
      allowPrivateNetworks: true,
    });
    [a, b] = await startPair(db.url, {});
    worker = startWorker({
      DATABASE_URL: db.url,
      WORKER_POLL_INTERVAL_MS: "100",
      WEBHOOK_BACKOFF_BASE_SECONDS: "0.1",
      // The receiver listens on 127.0.0.1.
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: "1",
    });
  }, 180_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop(), worker?.stop()]);
    await receiver?.close();
    await db?.close();
  }, 120_000);

  it("runs both instances on the shared rate-limit store, without a worker of their own", () => {
    for (const server of [a, b]) {
      const listening = server
        .output()
        .split("\n")
        .find((line) => line.includes('"msg":"listening"'));
      expect(listening).toContain('"rateLimitStore":"postgres"');
      expect(listening).toContain("WORKER_IN_SERVER=0");
    }
  });

  it("refuses on B a nonce used on A", async () => {
    const app = apps.nonce;
    const nonce = randomUUID();
    const now = new Date();
    const first = await hiarPost(a, app, "/user/query", { userID: "u" }, { nonce, now });
    expect(first.status, first.text).toBe(200);
    const replay = await hiarPost(b, app, "/user/query", { userID: "u" }, { nonce, now });
    expect(replay.status).toBe(401);
    expect(replay.text).toContain("NONCE_REUSED");
  });

  it("holds the member cap with concurrent invites split across A and B", async () => {
    const app = apps.cap;
    const limit = 6;
    const call = await create(a, app, { numberLimit: limit });
    const first = await invite(a, app, call, [`first-${randomUUID()}`]);
    expect(first.status, first.text).toBe(200);
    const live = async () =>
      db.prisma.sessionMember.count({
        where: {
          sessionId: call.sessionID,
          memberSessionState: { in: ["MEMBER_CALLING", "MEMBER_TALKING"] },
        },
      });
    const before = await live();
    expect(before).toBeLessThan(limit);

    const invites = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        invite(i % 2 === 0 ? a : b, app, call, [`member-${i}-${randomUUID()}`]),
      ),
    );
    const statuses = invites.map((response) => response.status);
    expect(count(statuses, 200)).toBe(limit - before);
    expect(count(statuses, 409)).toBe(16 - (limit - before));
    for (const refused of invites.filter((response) => response.status === 409)) {
      expect(refused.text).toContain("MEMBER_LIMIT_EXCEEDED");
    }
    expect(await live()).toBe(limit);
  });

  it("shows on B's console live stream an invite sent to A", async () => {
    const app = apps.live;
    const call = await create(a, app);
    const signedIn = await signIn(b, app);
    expect(signedIn.status, await signedIn.clone().text()).toBe(200);
    const cookie = signedIn.headers
      .getSetCookie()
      .map((c) => c.split(";", 1)[0])
      .join("; ");

    const port = Number(new URL(b.baseUrl).port);
    const stream = await rawConnection(port);
    try {
      const input = encodeURIComponent(JSON.stringify({ sessionID: call.sessionID }));
      stream.socket.write(
        `GET /api/trpc/session.onEvent?input=${input} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
          `Accept: text/event-stream\r\nCookie: ${cookie}\r\n\r\n`,
      );
      await expect.poll(() => stream.received(), { timeout: 15_000 }).toContain("event: connected");
      const member = `seen-on-b-${randomUUID()}`;
      const invited = await invite(a, app, call, [member]);
      expect(invited.status, invited.text).toBe(200);
      // The console promises 2 s; a loaded machine gets more.
      await expect.poll(() => stream.received(), { timeout: 10_000 }).toContain(member);
      expect(stream.received()).toContain("member.invited");
    } finally {
      stream.socket.destroy();
    }
  });

  it("limits an app once across A and B: exactly the burst of parallel requests passes", async () => {
    const statuses = await burstAcross([a, b], apps.limit, BURST * 2);
    expect(count(statuses, 200)).toBe(BURST);
    expect(count(statuses, 429)).toBe(BURST);
    // And it stays spent on both.
    expect(await burstAcross([a, b], apps.limit, 2)).toEqual([429, 429]);
  });

  it("throttles console sign-ins once across A and B", async () => {
    const statuses = await failedSignInsAcross([a, b], apps.signIn.id, SIGN_IN_FAILURES * 3);
    expect(statuses.toSorted()).toEqual(THROTTLED_SIGN_INS);
    // Even the right secret is refused now, on either instance.
    expect((await signIn(a, apps.signIn)).status).toBe(429);
    expect((await signIn(b, apps.signIn)).status).toBe(429);
  });

  it("fires every calling timeout exactly once", async () => {
    const app = apps.timeouts;
    const members: string[] = [];
    const calls = await Promise.all([
      create(a, app, { callingTimeout: 1 }),
      create(b, app, { callingTimeout: 1 }),
    ]);
    for (const [i, call] of calls.entries()) {
      const names = Array.from({ length: 5 }, (_, j) => `ringing-${i}-${j}-${randomUUID()}`);
      members.push(...names);
      const invited = await invite(i === 0 ? a : b, app, call, names);
      expect(invited.status, invited.text).toBe(200);
    }
    await expect
      .poll(
        () =>
          db.prisma.sessionMember.count({
            where: { appId: app.id, userId: { in: members }, memberSessionState: "MEMBER_TIMEOUT" },
          }),
        { timeout: 30_000, interval: 200 },
      )
      .toBe(members.length);
    const timeouts = await db.prisma.sessionEvent.groupBy({
      by: ["subjectId"],
      where: { appId: app.id, type: "member.timeout" },
      _count: { _all: true },
    });
    expect(timeouts).toHaveLength(members.length);
    for (const row of timeouts) expect(row._count._all, String(row.subjectId)).toBe(1);
  });

  it("delivers every webhook event once", async () => {
    const app = apps.webhooks;
    const calls = await Promise.all([create(a, app, { callingTimeout: 1 }), create(b, app)]);
    for (const [i, call] of calls.entries()) {
      for (let j = 0; j < 4; j++) {
        const invited = await invite(j % 2 === 0 ? a : b, app, call, [`hooked-${i}-${j}`]);
        expect(invited.status, invited.text).toBe(200);
      }
    }
    // The first call's ringing members time out (more events, made by the worker).
    await expect
      .poll(
        () =>
          db.prisma.sessionEvent.count({
            where: { appId: app.id, sessionId: calls[0]?.sessionID, type: "member.timeout" },
          }),
        { timeout: 30_000, interval: 200 },
      )
      .toBe(4);
    const events = await db.prisma.sessionEvent.findMany({
      where: { appId: app.id },
      select: { sessionId: true, seq: true },
    });
    expect(events.length).toBeGreaterThanOrEqual(2 * 5 + 4);
    await expect
      .poll(() => receiver.received.length, { timeout: 30_000, interval: 200 })
      .toBeGreaterThanOrEqual(events.length);
    // Every stream caught up: nothing left to send, so nothing can arrive twice later.
    await expect
      .poll(
        async () =>
          db.prisma.$queryRaw<{ behind: number }[]>`
            SELECT count(*)::int AS behind FROM "webhook_stream"
             WHERE "app_id" = ${app.id} AND "delivered_seq" < "last_seq"`,
        { timeout: 30_000, interval: 200 },
      )
      .toEqual([{ behind: 0 }]);

    const received = receiver.received;
    expect(received.every((hook) => hook.verified && hook.status === 200)).toBe(true);
    const ids = received.map((hook) => hook.event.eventID);
    expect(new Set(ids).size).toBe(ids.length);
    const delivered = received.map((hook) => `${hook.event.sessionID}/${hook.event.seq}`).sort();
    expect(delivered).toEqual(events.map((event) => `${event.sessionId}/${event.seq}`).sort());
  });

  it("left the worker's log free of errors", () => {
    expect(worker.output()).not.toContain('"level":"error"');
    expect(worker.output()).not.toContain('"level":50');
  });
});

/** TEST_REDIS_URL= (empty): no Redis here (scripts/test-setup.mjs sets it so when none answers). */
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/0";

describe.skipIf(!postgres || REDIS_URL.trim() === "")(
  "two server instances on the Redis store",
  () => {
    let db: TestDatabase;
    let a: TestServer;
    let b: TestServer;
    let app: CreatedApp;
    let other: CreatedApp;

    beforeAll(async () => {
      db = await createTestDatabase({ target: "postgres" });
      app = await createApp(db.prisma, { name: "limited" });
      other = await createApp(db.prisma, { name: "throttled" });
      [a, b] = await startPair(db.url, {
        RATE_LIMIT_STORE: "redis",
        REDIS_URL,
        // Keys of their own: this run's buckets start full whatever ran before.
        REDIS_KEY_PREFIX: `collab-test:${randomUUID()}:`,
      });
    }, 180_000);
    afterAll(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
      await db?.close();
    }, 120_000);

    it("limits an app and throttles sign-ins once across A and B", async () => {
      for (const server of [a, b]) expect(server.output()).toContain('"rateLimitStore":"redis"');
      const statuses = await burstAcross([a, b], app, BURST * 2);
      expect(count(statuses, 200)).toBe(BURST);
      expect(count(statuses, 429)).toBe(BURST);

      const signIns = await failedSignInsAcross([a, b], other.id, SIGN_IN_FAILURES * 3);
      expect(signIns.toSorted()).toEqual(THROTTLED_SIGN_INS);
    });
  },
);

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

describe.skipIf(!postgres)("a server whose Redis store is down", () => {
  let db: TestDatabase;
  let server: TestServer;
  let app: CreatedApp;

  beforeAll(async () => {
    db = await createTestDatabase({ target: "postgres" });
    app = await createApp(db.prisma, { name: "unlimited for now" });
    server = await startTestServer("postgres", {
      databaseUrl: db.url,
      appCount: 0,
      env: {
        HIAR_RATE_LIMIT_BURST: "2",
        HIAR_RATE_LIMIT_PER_SECOND: String(PER_SECOND),
        REDIS_URL: `redis://:hunter2-redis@127.0.0.1:${await closedPort()}/0`,
      },
    });
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
    await db?.close();
  }, 120_000);

  it("serves REST requests unchecked (one warning) and refuses console sign-ins (503)", async () => {
    // Past the burst of 2: the limit cannot be counted, so the requests pass.
    const statuses = await burstAcross([server], app, 6);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    await expect
      .poll(() => server.output(), { timeout: 10_000 })
      .toContain("rate-limit store unreachable: requests pass unchecked");
    const warnings = server
      .output()
      .split("\n")
      .filter((line) => line.includes("requests pass unchecked"));
    expect(warnings).toHaveLength(1);

    const signedIn = await signIn(server, app);
    expect(signedIn.status).toBe(503);
    expect(await signedIn.text()).toContain("UNAVAILABLE");
    // The URL's password never reaches the log.
    expect(server.output()).not.toContain("hunter2-redis");
  });
});
