import { type ChildProcess, spawn } from "node:child_process";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { WebhookEvent } from "@collab/contracts";
import { createDb, type Database, type Db, webhookStatus } from "@collab/db";
import { type PostgresCluster, startPostgresCluster } from "@collab/db/testing";
import type { DomainContext } from "@collab/domain";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { appContext, eventually, newSession, ring, type Session, sleep, uid } from "./test-support";
import { startWorker, type Worker, type WorkerState } from "./worker";

// Database faults against the ring clock and the webhook outbox, on a PostgreSQL cluster of the
// test's own (never the shared server): an immediate stop (a crash) in the middle of sweeps, a
// worker process killed with SIGKILL, a worker started while the database is down, a database
// restart in the middle of a webhook delivery. After each, every rung member reaches
// MEMBER_TIMEOUT within its timeout + 5 s of the database (or a worker) coming back, exactly once,
// and every webhook event arrives; nothing waits for a stale lock.

const TIMEOUT_S = 1;
const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");

interface Rung {
  readonly session: Session;
  readonly members: readonly string[];
}

describe("the ring clock through database faults", () => {
  let cluster: PostgresCluster;
  let url: string;
  let db: Db;
  let prisma: Database;
  let ctx: DomainContext;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  const workers: Worker[] = [];
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    process.on("unhandledRejection", onUnhandled);
    cluster = await startPostgresCluster();
    url = await cluster.createDatabase("collab");
    const migrated = await createDb({ databaseUrl: url, migrate: true, poolMax: 1 });
    await migrated.close();
    db = await createDb({ databaseUrl: url, poolMax: 4 });
    prisma = db.prisma;
    ({ ctx } = await appContext(prisma));
  });
  afterEach(async () => {
    if (!cluster.isRunning()) await cluster.start();
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    for (const child of children.splice(0)) child.kill("SIGKILL");
    expect(unhandled).toStrictEqual([]);
  });
  afterAll(async () => {
    process.off("unhandledRejection", onUnhandled);
    await db?.close();
    await cluster?.destroy();
  });

  /**
   * Rings members while `running()` holds, one invite of `size` every few ms across `sessions`
   * sessions: invites refused while the database is down are simply not counted.
   */
  async function ringWhile(
    running: () => boolean,
    options: { sessions: number; size: number },
  ): Promise<Rung[]> {
    const sessions = await Promise.all(
      Array.from({ length: options.sessions }, () => newSession(ctx)),
    );
    const rung: Rung[] = [];
    for (let i = 0; running(); i++) {
      const session = sessions[i % sessions.length] as Session;
      const members = Array.from({ length: options.size }, () => uid("m"));
      try {
        await ring(ctx, session, members, { callingTimeoutSeconds: TIMEOUT_S });
        rung.push({ session, members });
      } catch {
        await sleep(50); // the database is down: the invite failed and changed nothing
      }
      await sleep(5);
    }
    return rung;
  }

  /** Resolves once no member of these sessions rings any more, or the ceiling passes. */
  async function allSettled(sessionIds: readonly string[], ceilingMs: number): Promise<boolean> {
    return eventually(
      async () => {
        try {
          const calling = await prisma.sessionMember.count({
            where: { sessionId: { in: [...sessionIds] }, memberSessionState: "MEMBER_CALLING" },
          });
          return calling === 0;
        } catch {
          return false;
        }
      },
      ceilingMs,
      100,
    );
  }

  /** Every rung member timed out exactly once, every session's seqs 1…n without a gap. */
  async function expectTimedOutOnce(rungs: readonly Rung[]): Promise<void> {
    const sessionIds = [...new Set(rungs.map((r) => r.session.sessionID))];
    const members = await prisma.sessionMember.findMany({
      where: { sessionId: { in: sessionIds }, userId: { startsWith: "m-" } },
    });
    expect(members.filter((m) => m.memberSessionState !== "MEMBER_TIMEOUT")).toStrictEqual([]);
    for (const r of rungs) {
      for (const userId of r.members) {
        expect(
          members.some((m) => m.sessionId === r.session.sessionID && m.userId === userId),
        ).toBe(true);
      }
    }
    const events = await prisma.sessionEvent.findMany({
      where: { sessionId: { in: sessionIds } },
      orderBy: [{ sessionId: "asc" }, { seq: "asc" }],
    });
    const timeouts = events.filter((e) => e.type === "member.timeout");
    // One event per member row (including rings whose acknowledgement was lost in the crash).
    expect(timeouts).toHaveLength(members.length);
    expect(new Set(timeouts.map((e) => `${e.sessionId}/${e.subjectId}`)).size).toBe(members.length);
    for (const id of sessionIds) {
      const seqs = events.filter((e) => e.sessionId === id).map((e) => e.seq);
      expect(seqs).toStrictEqual(seqs.map((_, i) => i + 1));
    }
  }

  /** The worker CLI as its own process, on the test cluster; its JSON log lines are collected. */
  function workerProcess(env: Record<string, string> = {}) {
    const lines: Record<string, unknown>[] = [];
    // What `pnpm worker` runs, in one process, so that signals reach the worker itself.
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts"], {
      cwd: packageDir,
      env: {
        ...process.env,
        DATABASE_URL: url,
        HIAR_CALLING_TIMEOUT_SECONDS: "3600",
        WORKER_POLL_INTERVAL_MS: "100",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString("utf8").split("\n")) {
        if (!line.trim()) continue;
        try {
          lines.push(JSON.parse(line));
        } catch {
          lines.push({ raw: line });
        }
      }
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    return { child, lines, exited };
  }

  it("an immediate stop of PostgreSQL in the middle of sweeps leaves no ring behind", async () => {
    const states: WorkerState["status"][] = [];
    const worker = await startWorker({
      db,
      settings: { pollIntervalMs: 100, retryMaxMs: 1_000 },
    });
    workers.push(worker);
    const watch = setInterval(() => {
      const status = worker.state().status;
      if (states.at(-1) !== status) states.push(status);
    }, 20);
    try {
      let ringing = true;
      const rings = ringWhile(() => ringing, { sessions: 30, size: 4 });
      // Let rings fall due and sweeps run, then crash the database in their midst.
      expect(
        await eventually(
          async () => (await prisma.sessionEvent.count({ where: { type: "member.timeout" } })) > 50,
          20_000,
        ),
      ).toBe(true);
      await cluster.stop("immediate");
      ringing = false; // the invite in flight fails (or commits without its acknowledgement)
      const rung = await rings;
      expect(rung.length).toBeGreaterThan(20);
      await sleep(2_000); // rings fall due while it is down
      await cluster.start();
      // Within the timeout + 5 s of the database coming back, no ring is left.
      const sessionIds = [...new Set(rung.map((r) => r.session.sessionID))];
      expect(await allSettled(sessionIds, TIMEOUT_S * 1_000 + 5_000)).toBe(true);
      await expectTimedOutOnce(rung);
      expect(states).toContain("retrying");
      // Every loop (not only the ring clock) has seen the database again.
      expect(await eventually(async () => worker.state().status === "running", 5_000)).toBe(true);
    } finally {
      clearInterval(watch);
    }
  });

  it("a worker process killed with SIGKILL mid-run: the next one takes over, nothing stuck", async () => {
    const first = workerProcess();
    let ringing = true;
    const rings = ringWhile(() => ringing, { sessions: 20, size: 5 });
    // The first worker is timing members out …
    expect(
      await eventually(
        async () =>
          first.lines.some((l) => l.msg === "calling timeouts fired") &&
          (await prisma.sessionMember.count({ where: { memberSessionState: "MEMBER_CALLING" } })) >
            0,
        30_000,
      ),
    ).toBe(true);
    // … when it is killed: no clean stop, no release of anything.
    first.child.kill("SIGKILL");
    ringing = false;
    const rung = await rings;
    await first.exited;
    await sleep(2 * TIMEOUT_S * 1_000); // rings fall due with no worker at all
    const second = workerProcess();
    expect(
      await eventually(async () => second.lines.some((l) => l.msg === "worker starting"), 30_000),
    ).toBe(true);
    // Within the timeout + 5 s of the next worker starting, no ring is left.
    const sessionIds = [...new Set(rung.map((r) => r.session.sessionID))];
    expect(await allSettled(sessionIds, TIMEOUT_S * 1_000 + 5_000)).toBe(true);
    await expectTimedOutOnce(rung);
    // SIGTERM: it finishes the sweep in progress and exits 0.
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
    expect(second.lines.map((l) => l.msg)).toContain("worker stopped");
  });

  it("a worker started while PostgreSQL is down waits for it, then fires every due ring", async () => {
    const sessions = await Promise.all(Array.from({ length: 5 }, () => newSession(ctx)));
    const rung: Rung[] = [];
    for (const session of sessions) {
      const members = Array.from({ length: 10 }, () => uid("m"));
      await ring(ctx, session, members, { callingTimeoutSeconds: TIMEOUT_S });
      rung.push({ session, members });
    }
    await cluster.stop("fast");
    // In-process, as the server starts it, and as its own process (`pnpm worker`).
    const worker = await startWorker({ db, settings: { retryMaxMs: 1_000 } });
    workers.push(worker);
    const child = workerProcess();
    expect(await eventually(async () => worker.state().status === "retrying", 10_000)).toBe(true);
    expect(worker.state().lastError).toMatch(/reach|ECONNREFUSED|connect/i);
    expect(
      await eventually(
        async () =>
          child.lines.some(
            (l) => l.msg === "worker retrying: a loop failed (is the database reachable?)",
          ),
        20_000,
      ),
    ).toBe(true);
    expect(child.child.exitCode).toBeNull(); // still waiting, not exited
    await sleep(2 * TIMEOUT_S * 1_000);
    await cluster.start();
    expect(
      await allSettled(
        sessions.map((s) => s.sessionID),
        TIMEOUT_S * 1_000 + 5_000,
      ),
    ).toBe(true);
    await expectTimedOutOnce(rung);
    expect(await eventually(async () => worker.state().status === "running", 5_000)).toBe(true);
    expect(
      await eventually(
        async () => child.lines.some((l) => String(l.msg).startsWith("worker running")),
        10_000,
      ),
    ).toBe(true);
    child.child.kill("SIGTERM");
    expect(await child.exited).toBe(0);
  });

  it("a database restart in the middle of a webhook delivery loses no event", async () => {
    // The receiver holds the first POST until the database is down, then acknowledges it: the
    // worker cannot record the delivery, so the event must be sent again (same eventID).
    let holding: ServerResponse | undefined;
    const processed = new Map<string, WebhookEvent>();
    const arrivals: { sessionID: string; seq: number }[] = [];
    const server: Server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const event = WebhookEvent.parse(JSON.parse(Buffer.concat(chunks).toString("utf8")));
        arrivals.push({ sessionID: event.sessionID, seq: event.seq });
        if (!processed.has(event.eventID)) processed.set(event.eventID, event);
        if (holding === undefined && arrivals.length === 1) {
          holding = res;
          return;
        }
        res.writeHead(200).end("ok");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const hooked = await appContext(prisma, {
        webhookUrl: `http://127.0.0.1:${port}/hook`,
      });
      const worker = await startWorker({
        db,
        // Default lease (batch × (timeout + 1 s) + 30 s): delivery must resume well before it.
        settings: {
          pollIntervalMs: 100,
          retryMaxMs: 1_000,
          webhooks: { allowPrivateNetworks: true, timeoutMs: 10_000 },
        },
      });
      workers.push(worker);
      const s = await newSession(hooked.ctx);
      await ring(hooked.ctx, s, [uid("m"), uid("m")], { callingTimeoutSeconds: 3_600 });
      expect(await eventually(async () => holding !== undefined, 10_000)).toBe(true);
      await cluster.stop("immediate");
      holding?.writeHead(200).end("ok"); // acknowledged while the worker cannot record it
      await sleep(1_500);
      await cluster.start();
      const backAt = Date.now();
      expect(
        await eventually(async () => {
          try {
            return (await webhookStatus(prisma, hooked.ctx.app.id)).pendingEvents === 0;
          } catch {
            return false;
          }
        }, 20_000),
      ).toBe(true);
      expect(Date.now() - backAt).toBeLessThan(15_000); // not the lease's 130 s
      const events = await prisma.sessionEvent.findMany({
        where: { sessionId: s.sessionID },
        orderBy: { seq: "asc" },
      });
      const mine = [...processed.values()].filter((e) => e.sessionID === s.sessionID);
      expect(mine.map((e) => e.seq)).toStrictEqual(events.map((e) => e.seq));
      const seqs = arrivals.filter((a) => a.sessionID === s.sessionID).map((a) => a.seq);
      expect(seqs[0]).toBe(1);
      expect(seqs.filter((q) => q === 1).length).toBeGreaterThanOrEqual(2); // sent again
      expect(seqs).toStrictEqual([...seqs].sort((a, b) => a - b)); // in order
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
