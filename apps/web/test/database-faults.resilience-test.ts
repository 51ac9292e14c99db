import { randomBytes } from "node:crypto";
import { CreateCollaborationResponse } from "@collab/contracts";
import { createDb, type Db } from "@collab/db";
import { type PostgresCluster, startPostgresCluster } from "@collab/db/testing";
import { signRequestHeaders } from "@collab/hiar-auth";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from "vitest";
import type { Credentials } from "./hiar-client";
import { startTestServer, type TestServer } from "./server";

// The production server (its HTTP entry, REST API and in-server worker) through database faults,
// on a PostgreSQL cluster of the test's own (never the shared server), under a bounded invite
// load: an immediate stop of PostgreSQL (a crash) and a start a few seconds later, a `kill -9`
// of the server and a restart, a server that boots while the database is down, and a hung
// (frozen) PostgreSQL (the root README, "Through database faults").
// After each: while the database is down every REST answer is 503 UNAVAILABLE with Retry-After
// and /healthz is 503; REST answers 200 again within 5 s of PostgreSQL accepting connections;
// every acknowledged request is in the database; every rung member reaches a final state
// (answered, or MEMBER_TIMEOUT never before its deadline) within the timeout + 5 s; nothing
// unhandled reaches the server's output.

const TIMEOUT_S = 2;
/** The bar: a ring falls due at most this long after its deadline, or the recovery. */
const LATE_MS = 5_000;
/** PostgreSQL accepting connections → the REST API answering 200 again, at most. */
const RECOVERY_MS = 5_000;
/** Concurrent load clients, each a create + an invite of MEMBERS fresh members in a loop. */
const CLIENTS = 4;
const MEMBERS = 3;
/** Every ACCEPT_EVERY-th acknowledged invite's first member answers (the others time out). */
const ACCEPT_EVERY = 4;
const REQUEST_TIMEOUT_MS = 15_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` until it holds or `ceilingMs` passes; resolves to whether it held. */
async function eventually(
  condition: () => Promise<boolean> | boolean,
  ceilingMs: number,
  intervalMs = 50,
): Promise<boolean> {
  const deadline = Date.now() + ceilingMs;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() > deadline) return false;
    await sleep(intervalMs);
  }
}

/** One REST answer as a client saw it; `status` is a string when no HTTP answer came. */
interface Answer {
  readonly path: string;
  readonly sentAt: number;
  readonly at: number;
  readonly status: number | "refused" | "timeout";
  readonly reason: string | null;
  readonly retryAfter: string | null;
  readonly text: string;
}

/** A signed REST POST that never throws and never waits more than REQUEST_TIMEOUT_MS. */
async function post(
  baseUrl: string,
  app: Credentials,
  path: string,
  body: unknown,
): Promise<Answer & { body: unknown }> {
  const url = new URL(path, baseUrl);
  const sentAt = Date.now();
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...signRequestHeaders({ appId: app.id, secret: app.secret, method: "POST", url }),
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return {
      path,
      sentAt,
      at: Date.now(),
      status: response.status,
      reason: (parsed as { reason?: string } | undefined)?.reason ?? null,
      retryAfter: response.headers.get("retry-after"),
      text: text.slice(0, 300),
      body: parsed,
    };
  } catch (error) {
    const timedOut = (error as Error).name === "TimeoutError";
    return {
      path,
      sentAt,
      at: Date.now(),
      status: timedOut ? "timeout" : "refused",
      reason: null,
      retryAfter: null,
      text: String((error as Error).cause ?? error).slice(0, 300),
      body: undefined,
    };
  }
}

/** What expectEveryRingFinal saw (timings in ms, from the database's own timestamps). */
interface RingReport {
  /** Members rung under the load's tag. */
  members: number;
  /** Of them, those whose deadline passed during the fault (the backlog). */
  dueWhileDown: number;
  /** The fault's end → the backlog's last timeout. */
  backlogMs: number;
  /** The worst lateness: timeout − max(deadline, fault's end). */
  maxLateMs: number;
}

interface AckedInvite {
  readonly collaborationID: string;
  readonly sessionID: string;
  readonly creator: string;
  readonly members: readonly string[];
  readonly ackedAt: number;
  /** The first member's answer (/session/accept), when this invite was picked to get one. */
  accept?: Answer;
}

/**
 * CLIENTS clients creating collaborations and ringing fresh members (`<tag>-m-…`) until stopped,
 * recording every answer and every acknowledged create and invite. A refused or failed request
 * is not retried (the next iteration uses fresh ids); the client pauses briefly after it.
 */
class InviteLoad {
  readonly answers: Answer[] = [];
  readonly created: { collaborationID: string; ackedAt: number }[] = [];
  readonly acked: AckedInvite[] = [];
  #running = true;
  #clients: Promise<void>[];
  #serial = 0;
  #stopped: Promise<void> | undefined;
  /** When the last request of the load was answered. */
  stoppedAt = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly app: Credentials,
    readonly tag: string,
  ) {
    this.#clients = Array.from({ length: CLIENTS }, () => this.#client());
  }

  ackedSince(at: number): number {
    return this.acked.filter((a) => a.ackedAt >= at).length;
  }

  /** Stops sending; resolves once every request in flight has been answered. Idempotent. */
  stop(): Promise<void> {
    this.#running = false;
    this.#stopped ??= Promise.all(this.#clients).then(() => {
      this.stoppedAt = Date.now();
    });
    return this.#stopped;
  }

  async #call(path: string, body: unknown) {
    const answer = await post(this.baseUrl, this.app, path, body);
    const { body: _, ...recorded } = answer;
    this.answers.push(recorded);
    return answer;
  }

  async #client(): Promise<void> {
    while (this.#running) {
      const n = ++this.#serial;
      const creator = `${this.tag}-c-${n}`;
      const created = await this.#call("/create", { userID: creator });
      if (created.status !== 200) {
        await sleep(100);
        continue;
      }
      const { collaborationID, sessionID } = CreateCollaborationResponse.parse(created.body).data;
      this.created.push({ collaborationID, ackedAt: created.at });
      const members = Array.from({ length: MEMBERS }, (_, i) => `${this.tag}-m-${n}-${i}`);
      const invited = await this.#call("/session/invite", {
        collaborationID,
        sessionID,
        userID: creator,
        members: members.map((userID) => ({ userID })),
      });
      if (invited.status !== 200) {
        await sleep(100);
        continue;
      }
      const acked: AckedInvite = {
        collaborationID,
        sessionID,
        creator,
        members,
        ackedAt: invited.at,
      };
      this.acked.push(acked);
      if (this.acked.length % ACCEPT_EVERY === 0) {
        const { body: _, ...accept } = await this.#call("/session/accept", {
          collaborationID,
          sessionID,
          userID: members[0],
        });
        acked.accept = accept;
      }
      await sleep(20);
    }
  }
}

/** /healthz polled every 100 ms until stopped: each answer's status and worker state. */
class HealthWatch {
  readonly probes: {
    sentAt: number;
    at: number;
    status: number | "refused";
    worker: string | null;
  }[] = [];
  #running = true;
  #loop: Promise<void>;

  constructor(baseUrl: string) {
    this.#loop = (async () => {
      while (this.#running) {
        const sentAt = Date.now();
        try {
          const response = await fetch(`${baseUrl}/healthz`, {
            signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
          });
          const body = (await response.json()) as { worker?: { status?: string } };
          this.probes.push({
            sentAt,
            at: Date.now(),
            status: response.status,
            worker: body.worker?.status ?? null,
          });
        } catch {
          this.probes.push({ sentAt, at: Date.now(), status: "refused", worker: null });
        }
        await sleep(100);
      }
    })();
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#loop;
  }
}

/**
 * Starts `cluster` and resolves to the moment it first accepted a connection, probed every
 * 25 ms from here (as pg_isready would; not pg_ctl's own, slower, notice).
 */
async function startAndTimeAcceptance(cluster: PostgresCluster): Promise<number> {
  let acceptedAt: number | undefined;
  const probing = (async () => {
    const deadline = Date.now() + 60_000;
    while (acceptedAt === undefined && Date.now() < deadline) {
      const client = new pg.Client({ connectionString: cluster.url, connectionTimeoutMillis: 500 });
      client.on("error", () => {});
      try {
        await client.connect();
        acceptedAt = Date.now();
      } catch {
        await sleep(25);
      } finally {
        await client.end().catch(() => {});
      }
    }
  })();
  await cluster.start();
  await probing;
  if (acceptedAt === undefined) throw new Error("PostgreSQL never accepted a connection");
  return acceptedAt;
}

/** Lines of the server's output that show something went unhandled or leaked a stack. */
function troubleIn(output: string): string[] {
  return output
    .split("\n")
    .filter((line) =>
      /unhandledRejection|uncaughtException|unhandled error|"stack"|^\s+at\s|"level":(50|60)/i.test(
        line,
      ),
    )
    .map((line) => line.slice(0, 500));
}

describe("the server through database faults (its own PostgreSQL cluster)", () => {
  let cluster: PostgresCluster;
  let databaseUrl: string;
  /** The test's own client, for the checks (never the server's pool). */
  let db: Db;
  let server: TestServer;
  let app: Credentials;
  const run = randomBytes(3).toString("hex");
  const env = {
    HIAR_CALLING_TIMEOUT_SECONDS: String(TIMEOUT_S),
    // The load is bounded by its clients; the per-app limit is not what is tested here.
    HIAR_RATE_LIMIT_PER_SECOND: "0",
  };
  const servers: TestServer[] = [];
  const measured: Record<string, number> = {};

  beforeAll(async () => {
    cluster = await startPostgresCluster();
    databaseUrl = await cluster.createDatabase("collab");
    db = await createDb({ databaseUrl, migrate: true, poolMax: 2 });
    server = await startTestServer("postgres", { databaseUrl, appCount: 1, env });
    servers.push(server);
    const [first] = server.apps;
    if (first === undefined) throw new Error("one app was provisioned");
    app = first;
  });
  beforeEach(() => {
    // The server's side of a failure: its last log lines, and PostgreSQL's.
    onTestFailed(async () => {
      console.error(`server output (tail):\n${(servers.at(-1)?.output() ?? "").slice(-6_000)}`);
      console.error(`PostgreSQL log (tail):\n${(await cluster.serverLog()).slice(-3_000)}`);
    });
  });
  afterAll(async () => {
    for (const s of servers) await s.stop().catch(() => {});
    await db?.close();
    // The timings, for whoever tunes or reviews this (they are asserted above, with margins).
    console.info(`database-faults measurements: ${JSON.stringify(measured)}`);
    await cluster?.destroy();
  });

  /**
   * Every acknowledged create and invite is in the database; every member rung under `tag`
   * (acknowledged or not: an answer lost in a crash may still have committed) ended either
   * answered or MEMBER_TIMEOUT, with the matching event history, its timeout never before its
   * deadline and at most LATE_MS after it or after `backAt` (when the fault ended), whichever is
   * later. The backlog is the rings that fell due between `downAt` and `backAt`.
   */
  async function expectEveryRingFinal(
    load: InviteLoad,
    fault: { readonly downAt: number; readonly backAt: number },
  ): Promise<RingReport> {
    const { downAt, backAt } = fault;
    const prefix = `${load.tag}-m-`;
    // Wait (bounded) for the last ring to fall due and be swept.
    const ceiling = Math.max(backAt, load.stoppedAt) + TIMEOUT_S * 1_000 + LATE_MS;
    await eventually(
      async () =>
        (await db.prisma.sessionMember.count({
          where: { userId: { startsWith: prefix }, memberSessionState: "MEMBER_CALLING" },
        })) === 0,
      ceiling - Date.now(),
      100,
    );

    const collaborations = await db.prisma.collaboration.findMany({
      where: { id: { in: load.created.map((c) => c.collaborationID) } },
      select: { id: true },
    });
    expect(collaborations).toHaveLength(load.created.length);

    const members = await db.prisma.sessionMember.findMany({
      where: { userId: { startsWith: prefix } },
    });
    const events = await db.prisma.sessionEvent.findMany({
      where: { subjectId: { startsWith: prefix } },
      orderBy: [{ sessionId: "asc" }, { seq: "asc" }],
    });
    const byMember = new Map<string, typeof events>();
    for (const e of events) {
      const key = `${e.sessionId}/${e.subjectId}`;
      byMember.set(key, [...(byMember.get(key) ?? []), e]);
    }
    const found = new Map(members.map((m) => [`${m.sessionId}/${m.userId}`, m]));

    // Acknowledged invites: every member there; acknowledged answers: answered.
    const missing: string[] = [];
    const wrongAnswer: string[] = [];
    for (const invite of load.acked) {
      for (const userId of invite.members) {
        if (!found.has(`${invite.sessionID}/${userId}`)) missing.push(userId);
      }
      const accepted = invite.accept;
      const first = found.get(`${invite.sessionID}/${invite.members[0]}`);
      if (accepted?.status === 200 && first?.memberSessionState !== "MEMBER_TALKING") {
        wrongAnswer.push(`${invite.members[0]}: accepted (200) but ${first?.memberSessionState}`);
      }
    }
    expect(missing).toStrictEqual([]);
    expect(wrongAnswer).toStrictEqual([]);
    expect(members.length).toBeGreaterThanOrEqual(load.acked.length * MEMBERS);

    // Every rung member: a final state, its history, on time.
    const problems: string[] = [];
    const report: RingReport = {
      members: members.length,
      dueWhileDown: 0,
      backlogMs: 0,
      maxLateMs: 0,
    };
    for (const m of members) {
      const key = `${m.sessionId}/${m.userId}`;
      const history = byMember.get(key) ?? [];
      const types = history.map((e) => e.type);
      const invited = history[0];
      const final = history[1];
      if (m.memberSessionState === "MEMBER_TIMEOUT") {
        if (types.join() !== "member.invited,member.timeout") {
          problems.push(`${key}: MEMBER_TIMEOUT after ${types.join(" → ")}`);
          continue;
        }
      } else if (m.memberSessionState === "MEMBER_TALKING") {
        if (types.join() !== "member.invited,member.accepted") {
          problems.push(`${key}: MEMBER_TALKING after ${types.join(" → ")}`);
          continue;
        }
      } else {
        problems.push(`${key}: still ${m.memberSessionState} after ${types.join(" → ")}`);
        continue;
      }
      if (invited === undefined || final?.type !== "member.timeout") continue;
      const deadline = invited.createdAt.getTime() + TIMEOUT_S * 1_000;
      const at = final.createdAt.getTime();
      if (at < deadline) problems.push(`${key}: timed out ${deadline - at} ms early`);
      const late = at - Math.max(deadline, backAt);
      if (late > LATE_MS) problems.push(`${key}: timed out ${late} ms late`);
      report.maxLateMs = Math.max(report.maxLateMs, late);
      if (deadline >= downAt && deadline < backAt) {
        report.dueWhileDown += 1;
        report.backlogMs = Math.max(report.backlogMs, at - backAt);
      }
    }
    expect(problems).toStrictEqual([]);
    return report;
  }

  /**
   * No answer other than 200, 503 UNAVAILABLE (with Retry-After) or a lost accept race; a refused
   * connection only while no server process ran (`refusedWhile`).
   */
  function expectOnlyDocumentedAnswers(
    load: InviteLoad,
    refusedWhile?: { from: number; until: number },
  ): void {
    const odd = load.answers.filter((a) => {
      if (a.status === 200) return false;
      if (a.status === 503) return !(a.reason === "UNAVAILABLE" && Number(a.retryAfter) >= 1);
      // The ring clock may time the member out before its answer arrives.
      if (a.status === 409 && a.path === "/session/accept") return a.reason !== "INVALID_STATE";
      if (a.status === "refused" && refusedWhile !== undefined) {
        return a.at < refusedWhile.from || a.sentAt > refusedWhile.until;
      }
      return true;
    });
    expect(odd).toStrictEqual([]);
  }

  it("an immediate stop of PostgreSQL under load: 503 UNAVAILABLE while down, 200 within 5 s, every ring final", {
    timeout: 120_000,
  }, async () => {
    const load = new InviteLoad(server.baseUrl, app, `s1${run}`);
    const health = new HealthWatch(server.baseUrl);
    try {
      // Rings are falling due and being swept when the database crashes.
      expect(await eventually(() => load.acked.length >= 20, 30_000)).toBe(true);
      expect(
        await eventually(
          async () =>
            (await db.prisma.sessionEvent.count({ where: { type: "member.timeout" } })) >= 30,
          30_000,
        ),
      ).toBe(true);
      await cluster.stop("immediate");
      const downAt = Date.now();
      // Down for a few seconds, long enough for acknowledged rings to fall due meanwhile.
      expect(
        await eventually(
          () =>
            load.answers.filter((a) => a.sentAt >= downAt).length >= 20 &&
            Date.now() - downAt >= 3_000,
          30_000,
        ),
      ).toBe(true);
      const startingAt = Date.now();
      const acceptedAt = await startAndTimeAcceptance(cluster);
      // REST answers 200 again (any of the clients' requests).
      expect(
        await eventually(
          () => load.answers.some((a) => a.status === 200 && a.at >= acceptedAt),
          RECOVERY_MS + 10_000,
          10,
        ),
      ).toBe(true);
      const firstOk = Math.min(
        ...load.answers.filter((a) => a.status === 200 && a.at >= acceptedAt).map((a) => a.at),
      );
      // A few more rings after the recovery, then the load stops.
      expect(await eventually(() => load.ackedSince(firstOk) >= 8, 20_000)).toBe(true);
      await eventually(
        () => health.probes.some((p) => p.status === 200 && p.sentAt >= acceptedAt),
        RECOVERY_MS + 10_000,
      );
      await load.stop();
      await health.stop();

      // While it was down: only 503 UNAVAILABLE with Retry-After, promptly.
      const whileDown = load.answers.filter((a) => a.sentAt >= downAt && a.at <= startingAt);
      expect(whileDown.length).toBeGreaterThan(10);
      expect(
        whileDown.filter(
          (a) => a.status !== 503 || a.reason !== "UNAVAILABLE" || Number(a.retryAfter) < 1,
        ),
      ).toStrictEqual([]);
      expectOnlyDocumentedAnswers(load);
      // /healthz said 503 (past the 500 ms its database probe may be reused).
      const healthDown = health.probes.filter(
        (p) => p.sentAt >= downAt + 600 && p.at <= startingAt,
      );
      expect(healthDown.length).toBeGreaterThan(5);
      expect(healthDown.filter((p) => p.status !== 503)).toStrictEqual([]);
      // … and 200 again within RECOVERY_MS too (its probe of the database may be 500 ms old).
      const healthyAt = health.probes.find((p) => p.status === 200 && p.sentAt >= acceptedAt)?.at;
      expect((healthyAt ?? Number.POSITIVE_INFINITY) - acceptedAt).toBeLessThanOrEqual(RECOVERY_MS);

      Object.assign(measured, {
        crashAnswersWhileDown: whileDown.length,
        crashAcceptingAfterStart: acceptedAt - startingAt,
        crashFirst200AfterAccepting: firstOk - acceptedAt,
        crashHealthz200AfterAccepting: (healthyAt ?? Number.POSITIVE_INFINITY) - acceptedAt,
      });
      expect(firstOk - acceptedAt).toBeLessThanOrEqual(RECOVERY_MS);
      const rings = await expectEveryRingFinal(load, { downAt, backAt: acceptedAt });
      expect(rings.dueWhileDown).toBeGreaterThan(0);
      Object.assign(measured, {
        crashAcked: load.acked.length,
        crashMembers: rings.members,
        crashDueWhileDown: rings.dueWhileDown,
        crashBacklogAfterAccepting: rings.backlogMs,
        crashMaxLate: rings.maxLateMs,
      });
      expect(troubleIn(server.output())).toStrictEqual([]);
    } finally {
      await load.stop();
      await health.stop();
      if (!cluster.isRunning()) await cluster.start();
    }
  });

  it("kill -9 of the server under load, then a restart: every acknowledged invite kept, every ring final", {
    timeout: 120_000,
  }, async () => {
    const load = new InviteLoad(server.baseUrl, app, `s2${run}`);
    try {
      expect(await eventually(() => load.acked.length >= 20, 30_000)).toBe(true);
      const pid = server.pid();
      if (pid === undefined) throw new Error("no server process");
      process.kill(pid, "SIGKILL");
      const killedAt = Date.now();
      // Rings fall due while no server runs (a pause to make a backlog, not a proof of anything).
      await sleep(TIMEOUT_S * 1_000);
      const restartAt = Date.now();
      await server.restart();
      const readyAt = Date.now();
      expect(server.exits().at(-1)).toBe("SIGKILL");
      expect(await eventually(() => load.ackedSince(readyAt) >= 8, 20_000)).toBe(true);
      await load.stop();

      // Requests sent to the dead process were refused at the socket; nothing else.
      expectOnlyDocumentedAnswers(load, { from: killedAt, until: readyAt });
      const health = await fetch(`${server.baseUrl}/healthz`);
      expect(health.status).toBe(200);
      expect(((await health.json()) as { worker: { status: string } }).worker.status).toBe(
        "running",
      );
      const rings = await expectEveryRingFinal(load, { downAt: killedAt, backAt: restartAt });
      expect(rings.dueWhileDown).toBeGreaterThan(0);
      Object.assign(measured, {
        killRefused: load.answers.filter((a) => a.status === "refused").length,
        killRestartToHealthy: readyAt - restartAt,
        killAcked: load.acked.length,
        killMembers: rings.members,
        killDueWhileDown: rings.dueWhileDown,
        killBacklogAfterRestart: rings.backlogMs,
        killMaxLate: rings.maxLateMs,
      });
      expect(troubleIn(server.output())).toStrictEqual([]);
    } finally {
      await load.stop();
    }
  });

  it("a server booted while PostgreSQL is down listens, answers 503, and serves within 5 s of it coming up", {
    timeout: 120_000,
  }, async () => {
    await server.stop();
    expect(server.exits().at(-1)).toBe(0);
    await cluster.stop("fast");
    const bootAt = Date.now();
    // Nothing here touches the database: the app is the one provisioned above.
    const booted = await startTestServer("postgres", {
      databaseUrl,
      appCount: 0,
      env,
      waitForHealthy: false,
    });
    servers.push(booted);
    measured.bootListeningWithoutDatabase = Date.now() - bootAt;

    // Listening, up and honest: /healthz 503 (database and worker down), REST 503.
    const probes: number[] = [];
    const rest: Answer[] = [];
    expect(
      await eventually(async () => {
        const health = await fetch(`${booted.baseUrl}/healthz`);
        const body = (await health.json()) as {
          database: { ok: boolean };
          worker: { status: string };
        };
        probes.push(health.status);
        expect(body.database.ok).toBe(false);
        expect(["starting", "retrying"]).toContain(body.worker.status);
        const { body: _, ...answer } = await post(booted.baseUrl, app, "/create", {
          userID: `s3${run}-probe`,
        });
        rest.push(answer);
        return probes.length >= 5;
      }, 30_000),
    ).toBe(true);
    expect(probes.every((status) => status === 503)).toBe(true);
    expect(
      rest.filter(
        (a) => a.status !== 503 || a.reason !== "UNAVAILABLE" || Number(a.retryAfter) < 1,
      ),
    ).toStrictEqual([]);
    expect(booted.exits()).toStrictEqual([]);

    const acceptedAt = await startAndTimeAcceptance(cluster);
    let firstOk = 0;
    expect(
      await eventually(
        async () => {
          const answer = await post(booted.baseUrl, app, "/user/query", {
            userID: `s3${run}-probe`,
          });
          if (answer.status === 200) firstOk = answer.at;
          return answer.status === 200;
        },
        RECOVERY_MS + 10_000,
        25,
      ),
    ).toBe(true);
    measured.bootFirst200AfterAccepting = firstOk - acceptedAt;
    expect(firstOk - acceptedAt).toBeLessThanOrEqual(RECOVERY_MS);
    let workerRunningAt = 0;
    expect(
      await eventually(async () => {
        const health = await fetch(`${booted.baseUrl}/healthz`);
        const body = (await health.json()) as { worker: { status: string } };
        if (health.status === 200 && body.worker.status === "running") {
          workerRunningAt = Date.now();
          return true;
        }
        return false;
      }, 30_000),
    ).toBe(true);
    measured.bootWorkerRunningAfterAccepting = workerRunningAt - acceptedAt;

    // Rings made now time out on time.
    const load = new InviteLoad(booted.baseUrl, app, `s3${run}`);
    try {
      expect(await eventually(() => load.acked.length >= 12, 30_000)).toBe(true);
    } finally {
      await load.stop();
    }
    expectOnlyDocumentedAnswers(load);
    const rings = await expectEveryRingFinal(load, { downAt: acceptedAt, backAt: acceptedAt });
    Object.assign(measured, { bootMembers: rings.members, bootMaxLate: rings.maxLateMs });
    expect(troubleIn(booted.output())).toStrictEqual([]);
  });
});

describe("the server with a hung PostgreSQL (frozen, not stopped: it accepts connections and answers nothing)", () => {
  const QUERY_TIMEOUT_S = 2;
  let cluster: PostgresCluster;
  let server: TestServer;
  let app: Credentials;
  const run = randomBytes(3).toString("hex");

  beforeAll(async () => {
    cluster = await startPostgresCluster();
    const databaseUrl = await cluster.createDatabase("collab");
    const db = await createDb({ databaseUrl, migrate: true, poolMax: 1 });
    await db.close();
    server = await startTestServer("postgres", {
      databaseUrl,
      appCount: 1,
      env: {
        HIAR_RATE_LIMIT_PER_SECOND: "0",
        DATABASE_CONNECT_TIMEOUT_SECONDS: "1",
        DATABASE_QUERY_TIMEOUT_SECONDS: String(QUERY_TIMEOUT_S),
      },
    });
    const [first] = server.apps;
    if (first === undefined) throw new Error("one app was provisioned");
    app = first;
  });
  beforeEach(() => {
    onTestFailed(async () => {
      console.error(`server output (tail):\n${(server?.output() ?? "").slice(-6_000)}`);
    });
  });
  afterAll(async () => {
    await server?.stop().catch(() => {});
    await cluster?.destroy();
  });

  it("answers 503 UNAVAILABLE within the query timeout instead of hanging, and 200 once it thaws", {
    timeout: 120_000,
  }, async () => {
    const userID = `hung${run}`;
    expect((await post(server.baseUrl, app, "/create", { userID })).status).toBe(200);

    await cluster.pause();
    try {
      // Several at once: pooled connections wait for their statement, new ones for a connection.
      const answers = await Promise.all(
        Array.from({ length: 4 }, (_, i) =>
          post(server.baseUrl, app, "/create", { userID: `${userID}-${i}` }),
        ),
      );
      for (const answer of answers) {
        expect({ status: answer.status, reason: answer.reason }).toStrictEqual({
          status: 503,
          reason: "UNAVAILABLE",
        });
        expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
        // The query timeout plus the connect timeout and a loaded machine's slack; never the
        // client's own 15 s limit.
        expect(answer.at - answer.sentAt).toBeLessThan(QUERY_TIMEOUT_S * 1_000 + 8_000);
      }
      const health = await fetch(`${server.baseUrl}/healthz`, {
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      expect(health.status).toBe(503);
    } finally {
      await cluster.resume();
    }

    expect(
      await eventually(
        async () => (await post(server.baseUrl, app, "/user/query", { userID })).status === 200,
        RECOVERY_MS + QUERY_TIMEOUT_S * 1_000 + 10_000,
        100,
      ),
    ).toBe(true);
    expect(troubleIn(server.output())).toStrictEqual([]);
  });
});
