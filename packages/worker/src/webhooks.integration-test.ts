import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { WEBHOOK_EVENT_ID_HEADER, WebhookEvent } from "@collab/contracts";
import {
  claimDueWebhookStreams,
  type Database,
  sessionEventSignalFor,
  setAppWebhookUrl,
  webhookStatus,
} from "@collab/db";
import { createTestDatabase, type TestDatabase, testDatabaseTargets } from "@collab/db/testing";
import type { DomainContext } from "@collab/domain";
import { splitRequestTarget, verifyRequest } from "@collab/hiar-auth";
import {
  type StandardWebhookRefusal,
  standardWebhookSecret,
  verifyStandardWebhook,
} from "@collab/sdk";
import { Webhook } from "standardwebhooks";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { resolveWorkerSettings } from "./settings";
import { accept, appContext, eventually, newSession, ring, sleep, uid } from "./test-support";
import { startWebhookDispatcher, type WebhookDispatcher } from "./webhooks/dispatcher";

// Webhook delivery against a real HTTP receiver on 127.0.0.1 that verifies both signatures of
// every attempt (HiAR's with the same code as the server; the body's with the SDK and with the
// published standardwebhooks library), fails or stalls on purpose, and deduplicates by event id.
// The receiver is on loopback, so these dispatchers opt in to private networks, except the ones
// proving that, by default, such a destination is refused.

interface Received {
  readonly eventID: string;
  readonly sessionID: string;
  readonly seq: number;
  readonly type: string;
  readonly nonce: string;
  readonly attemptHeader: string | undefined;
  /** Both schemes verified, by every verifier, and the id headers match the body. */
  readonly verified: boolean;
  /** Why the SDK refused the body signature, if it did. */
  readonly bodyRefusal: StandardWebhookRefusal | null;
}

type Behaviour = (event: WebhookEvent, attempt: number) => number | "hang";

class Receiver {
  readonly received: Received[] = [];
  /** Events processed once each, in the order first seen (what a deduplicating receiver keeps). */
  readonly processed: WebhookEvent[] = [];
  private readonly seen = new Set<string>();
  behaviour: Behaviour = () => 200;
  /** Changes the body before it is verified, as a tampering hop on the way would. */
  alter: ((body: Buffer) => Buffer) | null = null;
  private server!: Server;
  url = "";

  constructor(private readonly secretOf: (appId: string) => string | null) {}

  async start(): Promise<void> {
    this.server = createServer(
      (req, res) =>
        void this.handle(req).then((status) => {
          if (status === "hang") return; // never answers: the sender's timeout must cut it off
          res.writeHead(status, { "content-type": "text/plain" }).end(status < 300 ? "ok" : "nope");
        }),
    );
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}/hooks/collab?tenant=1`;
  }

  private async handle(req: IncomingMessage): Promise<number | "hang"> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = this.alter === null ? Buffer.concat(chunks) : this.alter(Buffer.concat(chunks));
    const { path, rawQuery } = splitRequestTarget(req.url ?? "/");
    const auth = await verifyRequest({
      headers: req.headers,
      method: req.method ?? "",
      path,
      rawQuery,
      lookupSecret: async (appId) => this.secretOf(appId),
    });
    const secret = this.secretOf(String(req.headers["x-hiar-openapi-appid"])) ?? "unknown";
    const signed = verifyStandardWebhook(raw, req.headers, secret);
    let library = true;
    try {
      new Webhook(standardWebhookSecret(secret)).verify(raw, req.headers as Record<string, string>);
    } catch {
      library = false;
    }
    const event = WebhookEvent.parse(JSON.parse(raw.toString("utf8")));
    const attempt = this.received.filter((r) => r.eventID === event.eventID).length + 1;
    this.received.push({
      eventID: event.eventID,
      sessionID: event.sessionID,
      seq: event.seq,
      type: event.type,
      nonce: String(req.headers["x-hiar-openapi-nonce"]),
      attemptHeader: req.headers["x-hiar-webhook-attempt"] as string | undefined,
      verified:
        auth.ok &&
        signed.ok &&
        library &&
        req.headers[WEBHOOK_EVENT_ID_HEADER.toLowerCase()] === event.eventID &&
        req.headers["webhook-id"] === event.eventID,
      bodyRefusal: signed.ok ? null : signed.reason,
    });
    if (!auth.ok || !signed.ok) return 401;
    if (!this.seen.has(event.eventID)) {
      this.seen.add(event.eventID);
      this.processed.push(event);
    }
    return this.behaviour(event, attempt);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

const SETTINGS = resolveWorkerSettings({
  webhooks: {
    // Long enough for a first POST on a loaded 2-core CI machine (a slow answer counts as a
    // failed attempt and would repeat an event); the "hang" cases wait it out once.
    timeoutMs: 1_500,
    backoffBaseMs: 50,
    backoffMaxMs: 200,
    batchSize: 5,
    allowPrivateNetworks: true,
  },
}).webhooks;
/** The production default: webhooks reach public addresses only. */
const GUARDED = { ...SETTINGS, allowPrivateNetworks: false };

describe.each(testDatabaseTargets())("webhook delivery on %s", (target) => {
  let db: TestDatabase;
  let prisma: Database;
  let receiver: Receiver;
  const secrets = new Map<string, string>();
  const dispatchers: WebhookDispatcher[] = [];

  async function hookedApp(webhookUrl = receiver.url): Promise<DomainContext> {
    // Created with private networks allowed: the guard under test is the one at delivery.
    const { ctx, secret } = await appContext(prisma, { webhookUrl });
    secrets.set(ctx.app.id, secret);
    return ctx;
  }
  function dispatch(settings = SETTINGS, pollIntervalMs = 50) {
    const dispatcher = startWebhookDispatcher({
      db: prisma,
      settings,
      pollIntervalMs,
      log: { info() {}, warn() {}, error() {} },
    });
    dispatchers.push(dispatcher);
    return dispatcher;
  }
  async function attemptsOf(sessionID: string) {
    return prisma.webhookAttempt.findMany({
      where: { sessionId: sessionID },
      orderBy: { id: "asc" },
    });
  }
  async function sessionEvents(sessionID: string) {
    return prisma.sessionEvent.findMany({
      where: { sessionId: sessionID },
      orderBy: { seq: "asc" },
    });
  }

  beforeAll(async () => {
    db = await createTestDatabase({ target });
    prisma = db.prisma;
    receiver = new Receiver((appId) => secrets.get(appId) ?? null);
    await receiver.start();
  });
  afterEach(async () => {
    await Promise.all(dispatchers.splice(0).map((d) => d.stop()));
    receiver.behaviour = () => 200;
    receiver.alter = null;
  });
  afterAll(async () => {
    await receiver?.stop();
    await db?.close();
  });

  it("delivers every event signed, in order, retrying failures and timeouts", async () => {
    const ctx = await hookedApp();
    const s = await newSession(ctx);
    const [a, b] = [uid("a"), uid("b")];
    await ring(ctx, s, [a, b], { callingTimeoutSeconds: 60 });
    await accept(ctx, s, a);
    const events = await sessionEvents(s.sessionID);
    expect(events.map((e) => e.type)).toStrictEqual([
      "session.created",
      "member.added",
      "member.invited",
      "member.invited",
      "member.accepted",
      "session.started",
    ]);
    // The third event fails twice (HTTP 500, after the receiver saw it), then stalls once.
    const third = events[2]?.id.toString();
    receiver.behaviour = (event, attempt) =>
      event.eventID !== third ? 200 : attempt <= 2 ? 500 : attempt === 3 ? "hang" : 204;
    dispatch();
    expect(
      await eventually(
        async () =>
          receiver.processed.filter((e) => e.sessionID === s.sessionID).length === 6 &&
          (await webhookStatus(prisma, ctx.app.id)).pendingEvents === 0,
        10_000,
      ),
    ).toBe(true);

    const mine = receiver.received.filter((r) => r.sessionID === s.sessionID);
    expect(mine.every((r) => r.verified)).toBe(true);
    expect(new Set(mine.map((r) => r.nonce)).size).toBe(mine.length); // a fresh nonce per attempt
    // In order: arrivals never go back in seq; retries repeat the same event id (dedupe by it).
    expect(mine.map((r) => r.seq)).toStrictEqual([1, 2, 3, 3, 3, 3, 4, 5, 6]);
    expect(mine.filter((r) => r.eventID === third).map((r) => r.attemptHeader)).toStrictEqual([
      "1",
      "2",
      "3",
      "4",
    ]);
    const processed = receiver.processed.filter((e) => e.sessionID === s.sessionID);
    expect(processed.map((e) => [e.eventID, e.seq, e.type])).toStrictEqual(
      events.map((e) => [e.id.toString(), e.seq, e.type]),
    );
    expect(processed[4]).toMatchObject({
      appID: ctx.app.id,
      collaborationID: s.collaborationID,
      actorID: a,
      subjectID: a,
      fromState: "MEMBER_CALLING",
      toState: "MEMBER_TALKING",
      traceID: ctx.trace.id,
      time: events[4]?.createdAt.toISOString(),
    });

    // Every attempt is logged with its status, duration and error.
    const attempts = await prisma.webhookAttempt.findMany({
      where: { sessionId: s.sessionID },
      orderBy: { id: "asc" },
    });
    expect(attempts.map((t) => [t.seq, t.attempt, t.outcome, t.httpStatus])).toStrictEqual([
      [1, 1, "DELIVERED", 200],
      [2, 1, "DELIVERED", 200],
      [3, 1, "FAILED", 500],
      [3, 2, "FAILED", 500],
      [3, 3, "FAILED", null],
      [3, 4, "DELIVERED", 204],
      [4, 1, "DELIVERED", 200],
      [5, 1, "DELIVERED", 200],
      [6, 1, "DELIVERED", 200],
    ]);
    expect(attempts[2]?.error).toBe("HTTP 500");
    expect(attempts[4]?.error).toBe(`no answer within ${SETTINGS.timeoutMs} ms`);
    expect(attempts[4]?.durationMs).toBeGreaterThanOrEqual(SETTINGS.timeoutMs - 10);
    expect(attempts.every((t) => t.url === receiver.url && t.durationMs >= 0)).toBe(true);
  });

  it("a body altered on the way fails its signature (401): retried, then delivered intact", async () => {
    const ctx = await hookedApp();
    const s = await newSession(ctx); // session.created, member.added
    // Every attempt is altered until the third: the stream waits on its first event meanwhile.
    let altered = 0;
    receiver.alter = (body) => {
      if (altered >= 2 || !body.includes(s.sessionID)) return body;
      altered += 1;
      return Buffer.from(body.toString("utf8").replace('"seq":1', '"seq":2'));
    };
    dispatch();
    expect(
      await eventually(
        async () => (await webhookStatus(prisma, ctx.app.id)).pendingEvents === 0,
        10_000,
      ),
    ).toBe(true);
    const mine = receiver.received.filter((r) => r.sessionID === s.sessionID);
    expect(
      mine.map((r) => [r.eventID === mine[0]?.eventID, r.verified, r.bodyRefusal]),
    ).toStrictEqual([
      [true, false, "SIGNATURE_MISMATCH"],
      [true, false, "SIGNATURE_MISMATCH"],
      [true, true, null],
      [false, true, null],
    ]);
    const attempts = await attemptsOf(s.sessionID);
    expect(attempts.map((t) => [t.seq, t.attempt, t.outcome, t.httpStatus])).toStrictEqual([
      [1, 1, "FAILED", 401],
      [1, 2, "FAILED", 401],
      [1, 3, "DELIVERED", 200],
      [2, 1, "DELIVERED", 200],
    ]);
    // Only the intact copy was processed: the altered ones were refused before that.
    const processed = receiver.processed.filter((e) => e.sessionID === s.sessionID);
    expect(processed.map((e) => [e.seq, e.type])).toStrictEqual([
      [1, "session.created"],
      [2, "member.added"],
    ]);
  });

  it("keeps each session in order with two dispatchers and a flaky receiver", async () => {
    const ctx = await hookedApp();
    const sessions = await Promise.all([newSession(ctx), newSession(ctx), newSession(ctx)]);
    for (const s of sessions) {
      await ring(
        ctx,
        s,
        Array.from({ length: 4 }, () => uid("m")),
        { callingTimeoutSeconds: 60 },
      );
      await ring(ctx, s, [uid("late")], { callingTimeoutSeconds: 60 });
    }
    let n = 0;
    receiver.behaviour = () => (++n % 3 === 0 ? 503 : 200);
    dispatch();
    dispatch();
    const ids = new Set(sessions.map((s) => s.sessionID));
    const expected = (await Promise.all(sessions.map((s) => sessionEvents(s.sessionID)))).flat();
    expect(
      await eventually(
        async () =>
          receiver.processed.filter((e) => ids.has(e.sessionID)).length === expected.length &&
          (await webhookStatus(prisma, ctx.app.id)).pendingEvents === 0,
        15_000,
      ),
    ).toBe(true);
    for (const s of sessions) {
      const arrivals = receiver.received
        .filter((r) => r.sessionID === s.sessionID)
        .map((r) => r.seq);
      expect(arrivals).toStrictEqual([...arrivals].sort((x, y) => x - y)); // never out of order
      const firsts = receiver.processed
        .filter((e) => e.sessionID === s.sessionID)
        .map((e) => e.seq);
      expect(firsts).toStrictEqual(firsts.map((_, i) => i + 1)); // every event, once each
    }
  });

  it("retries a failing event, abandons it once it outlived the retry window, then moves on", async () => {
    const ctx = await hookedApp();
    const s = await newSession(ctx);
    receiver.behaviour = () => 500;
    // While the events are young (a window of an hour) a failure is retried…
    const young = dispatch({ ...SETTINGS, maxAgeMs: 3_600_000 });
    expect(
      await eventually(
        async () =>
          (await attemptsOf(s.sessionID)).filter((t) => t.outcome === "FAILED").length >= 2,
        10_000,
      ),
    ).toBe(true);
    await young.stop();
    // …and a worker whose window they have outlived abandons each and moves on to the next.
    dispatch({ ...SETTINGS, maxAgeMs: 1 });
    expect(
      await eventually(
        async () => (await webhookStatus(prisma, ctx.app.id)).pendingEvents === 0,
        10_000,
      ),
    ).toBe(true);
    const attempts = await attemptsOf(s.sessionID);
    const outcomes = new Set(attempts.map((t) => `${t.seq}:${t.outcome}`));
    expect(outcomes).toContain("1:FAILED");
    expect(outcomes).toContain("1:ABANDONED");
    expect(outcomes).toContain("2:ABANDONED");
  });

  it("an idle dispatcher delivers as soon as session events are signalled, not at its next poll", async () => {
    const ctx = await hookedApp();
    const s = await newSession(ctx);
    dispatch(SETTINGS, 600_000); // polls once at start, then only when woken
    const delivered = (n: number) => async () =>
      receiver.processed.filter((e) => e.sessionID === s.sessionID && e.type === "member.invited")
        .length >= n;
    await ring(ctx, s, [uid("first")], { callingTimeoutSeconds: 60 });
    sessionEventSignalFor(prisma).notify();
    expect(await eventually(delivered(1), 10_000)).toBe(true);
    // Now idle for ten minutes unless woken: the signal after a commit wakes it.
    const started = Date.now();
    await ring(ctx, s, [uid("second")], { callingTimeoutSeconds: 60 });
    sessionEventSignalFor(prisma).notify();
    expect(await eventually(delivered(2), 10_000, 10)).toBe(true);
    expect(Date.now() - started).toBeLessThan(60_000); // not the next poll, ten minutes away
  });

  it("delivers only events appended while a URL is set; delivery never blocks a request", async () => {
    const { ctx } = await appContext(prisma); // no webhook yet
    const s = await newSession(ctx);
    expect(await prisma.webhookStream.count({ where: { sessionId: s.sessionID } })).toBe(0);

    await setAppWebhookUrl(prisma, ctx.app.id, receiver.url);
    const secret = (await prisma.app.findUniqueOrThrow({ where: { id: ctx.app.id } })).secret;
    secrets.set(ctx.app.id, secret);
    receiver.behaviour = () => "hang"; // a receiver that never answers
    dispatch({ ...SETTINGS, timeoutMs: 8_000 });
    const member = uid("m");
    await ring(ctx, s, [member], { callingTimeoutSeconds: 60 });
    await eventually(async () => receiver.received.some((r) => r.sessionID === s.sessionID), 5_000);
    // While that POST hangs, requests touching the same session go through at once.
    const started = Date.now();
    await accept(ctx, s, member);
    expect(Date.now() - started).toBeLessThan(4_000); // not behind the POST's 8 s timeout
    receiver.behaviour = () => 200;
    expect(
      await eventually(
        async () => (await webhookStatus(prisma, ctx.app.id)).pendingEvents === 0,
        10_000,
      ),
    ).toBe(true);
    const firsts = receiver.processed.filter((e) => e.sessionID === s.sessionID).map((e) => e.type);
    expect(firsts).toStrictEqual(["member.invited", "member.accepted", "session.started"]);

    // Removing the URL drops what is pending instead of delivering it later.
    await setAppWebhookUrl(prisma, ctx.app.id, null);
    await ring(ctx, s, [uid("n")], { callingTimeoutSeconds: 60 });
    await sleep(300);
    expect(receiver.processed.filter((e) => e.sessionID === s.sessionID)).toHaveLength(3);
  });

  it("a worker that died holding a stream loses nothing: another delivers after its lease", async () => {
    const ctx = await hookedApp();
    const s = await newSession(ctx); // session.created, member.added
    await ring(ctx, s, [uid("m")], { callingTimeoutSeconds: 60 });
    // A worker claims the due streams, then its process dies: no POST, no record, no release.
    const leaseMs = 1_500;
    const claimedAt = Date.now();
    const dead = await claimDueWebhookStreams(prisma, {
      limit: 1_000,
      perAppLimit: 1_000,
      leaseMs,
      token: "dead-worker",
    });
    expect(dead.map((d) => d.sessionId)).toContain(s.sessionID);
    dispatch();
    expect(
      await eventually(
        async () => (await webhookStatus(prisma, ctx.app.id)).pendingEvents === 0,
        15_000,
      ),
    ).toBe(true);
    const mine = receiver.received.filter((r) => r.sessionID === s.sessionID);
    expect(mine.map((r) => r.seq)).toStrictEqual([1, 2, 3]);
    // Not before the lease ran out (it fenced the stream), but soon after.
    const first = await prisma.webhookAttempt.findFirstOrThrow({
      where: { sessionId: s.sessionID },
      orderBy: { id: "asc" },
    });
    expect(first.createdAt.getTime() - claimedAt).toBeGreaterThanOrEqual(leaseMs - 50);
  });

  it("is fair across apps: a receiver that never answers does not delay another app", async () => {
    // App A's receiver accepts connections and never answers; B's answers at once.
    const open = new Set<IncomingMessage>();
    let mostOpen = 0;
    const blackHole = createServer((req) => {
      open.add(req);
      mostOpen = Math.max(mostOpen, open.size);
      req.on("close", () => open.delete(req));
    });
    await new Promise<void>((resolve) => blackHole.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = blackHole.address() as AddressInfo;
      const a = await hookedApp(`http://127.0.0.1:${port}/never`);
      for (let i = 0; i < 24; i++) await newSession(a);
      const b = await hookedApp();
      const settings = {
        ...SETTINGS,
        timeoutMs: 20_000,
        concurrency: 8,
        maxConcurrentPerApp: 3,
      };
      dispatch(settings);
      // A's streams occupy its share of the slots …
      expect(await eventually(async () => open.size >= 3, 10_000)).toBe(true);
      // … and B's first event goes out in the others, without waiting for A's timeouts.
      const started = Date.now();
      const s = await newSession(b);
      expect(
        await eventually(
          async () => receiver.processed.some((e) => e.sessionID === s.sessionID),
          settings.timeoutMs * 2,
        ),
      ).toBe(true);
      expect(Date.now() - started).toBeLessThan(settings.timeoutMs / 2);
      expect(mostOpen).toBe(settings.maxConcurrentPerApp);
    } finally {
      // The black hole goes first: a dispatcher's stop waits for its requests in flight, which
      // would otherwise run to their 20 s timeout.
      const closed = new Promise((resolve) => blackHole.close(resolve));
      blackHole.closeAllConnections();
      await Promise.all(dispatchers.splice(0).map((d) => d.stop()));
      blackHole.closeAllConnections();
      await closed;
    }
  });

  describe("private networks (SSRF guard)", () => {
    const hint = "set WEBHOOK_ALLOW_PRIVATE_NETWORKS=1 to allow";

    it("never calls a receiver on 127.0.0.1 by default, logs why, and delivers once allowed", async () => {
      const ctx = await hookedApp(); // http://127.0.0.1:<port>/hooks/collab?tenant=1
      const s = await newSession(ctx); // session.created, member.added
      dispatch(GUARDED);
      // Refused like any failure: logged, retried with backoff, the stream waits (in order).
      expect(
        await eventually(async () => (await attemptsOf(s.sessionID)).length >= 2, 10_000),
      ).toBe(true);
      const refused = await attemptsOf(s.sessionID);
      expect(refused.every((t) => t.outcome === "FAILED" && t.seq === 1)).toBe(true);
      expect(refused.map((t) => t.attempt).slice(0, 2)).toStrictEqual([1, 2]);
      expect(refused[0]).toMatchObject({
        httpStatus: null,
        url: receiver.url,
        error: `destination 127.0.0.1 is a loopback address; ${hint}`,
      });
      expect(receiver.received.filter((r) => r.sessionID === s.sessionID)).toHaveLength(0);
      expect(await webhookStatus(prisma, ctx.app.id)).toMatchObject({
        pendingEvents: 2,
        failingSessions: 1,
      });

      // With private networks allowed the same backlog goes through, in order.
      await Promise.all(dispatchers.splice(0).map((d) => d.stop()));
      const before = receiver.received.length;
      dispatch();
      expect(
        await eventually(
          async () => (await webhookStatus(prisma, ctx.app.id)).pendingEvents === 0,
          10_000,
        ),
      ).toBe(true);
      const mine = receiver.received.slice(before).filter((r) => r.sessionID === s.sessionID);
      expect(mine.map((r) => [r.seq, r.verified])).toStrictEqual([
        [1, true],
        [2, true],
      ]);
      const last = (await attemptsOf(s.sessionID)).slice(-2);
      expect(last.map((t) => [t.seq, t.outcome, t.httpStatus])).toStrictEqual([
        [1, "DELIVERED", 200],
        [2, "DELIVERED", 200],
      ]);
    });

    it("refuses a name that resolves to loopback when connecting (localhost)", async () => {
      const url = new URL(receiver.url);
      url.hostname = "localhost";
      const ctx = await hookedApp(url.toString());
      const s = await newSession(ctx);
      dispatch(GUARDED);
      expect(
        await eventually(async () => (await attemptsOf(s.sessionID)).length >= 1, 10_000),
      ).toBe(true);
      const [first] = await attemptsOf(s.sessionID);
      expect(first).toMatchObject({ seq: 1, outcome: "FAILED", httpStatus: null });
      expect(first?.error).toMatch(
        /^destination localhost resolves to (127\.0\.0\.1|::1), which is a loopback address; /,
      );
      expect(first?.error).toContain(hint);
      expect(receiver.received.filter((r) => r.sessionID === s.sessionID)).toHaveLength(0);
    });

    it("abandons a refused event after the retry window, like any failure", async () => {
      // Loopback on a closed port, so that even a broken guard sends nothing off this machine.
      const ctx = await hookedApp("http://[::1]:9/admin");
      const s = await newSession(ctx);
      dispatch({ ...GUARDED, maxAgeMs: 400 });
      expect(
        await eventually(
          async () => (await webhookStatus(prisma, ctx.app.id)).pendingEvents === 0,
          10_000,
        ),
      ).toBe(true);
      const attempts = await attemptsOf(s.sessionID);
      const outcomes = new Set(attempts.map((t) => `${t.seq}:${t.outcome}`));
      expect(outcomes).toContain("1:ABANDONED");
      expect(outcomes).toContain("2:ABANDONED");
      expect(outcomes).not.toContain("1:DELIVERED");
      expect(
        attempts.every(
          (t) =>
            t.error === `destination ::1 is a loopback address; ${hint}` && t.httpStatus === null,
        ),
      ).toBe(true);
    });
  });
});
