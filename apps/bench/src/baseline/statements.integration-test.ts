import { InviteSessionRequest, parseOrThrow } from "@collab/contracts";
import { consumeNonce, createAppSecretCache } from "@collab/db";
import {
  createStatementLog,
  createTestDatabase,
  type StatementLog,
  type TestDatabase,
  testDatabaseTargets,
} from "@collab/db/testing";
import { inviteSession } from "@collab/domain";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BenchApp,
  createBenchApp,
  type InviteTarget,
  provisionTargets,
} from "../database/fixtures";
import { inviteBody } from "../load/invite-request";
import { authenticate, createAuthEnv } from "./auth";
import { invite as baselineInvite } from "./invite";
import { FIND_APP_SECRET, pgExecutor } from "./pg-executor";
import { callingTimeoutSeconds } from "./project";

// The baseline must do the project's work with the project's SQL. It runs the repositories' own
// functions through pg, so the texts cannot drift by hand; this proves the rest: that pg is sent
// exactly what Prisma sends (placeholders, the secret lookup's generated SQL), that the copied
// control flow of the invite sends the same statements in the same order on the common path and
// on the locked fallback, and that both write the same rows (members with their calling deadline,
// events). It fails when the project's invite or authentication changes and the baseline does not.

/** Whitespace-insensitive statement text. */
const normalise = (text: string) => text.replace(/\s+/g, " ").trim();
/** The deployment's settings the use cases read: the baseline's deployment timeout, as in env. */
const SETTINGS = {
  callingTimeoutSeconds: callingTimeoutSeconds(),
  webhooksAllowPrivateNetworks: false,
};

/** A pg pool that records the text of every statement its connections send. */
function recordingPool(url: string, onStatement: (text: string) => Promise<void> | void) {
  const statements: string[] = [];
  // One connection: PGlite's connections share one session, where a named statement exists once.
  const pool = new pg.Pool({ connectionString: url, max: 1, application_name: "bench-test" });
  pool.on("error", () => {});
  pool.on("connect", (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = async (
      ...args: unknown[]
    ) => {
      const first = args[0];
      const text = typeof first === "string" ? first : String((first as { text?: unknown }).text);
      statements.push(text);
      await onStatement(text);
      return query(...args);
    };
  });
  return { pool, statements };
}

const isInviteWrite = (text: string) => /^\s*WITH cas AS/.test(text);

interface Interference {
  /** Writes to let fail: before each, another writer advances the session's event_seq. */
  left: number;
  sessionId: string;
}

const params = (target: InviteTarget, userIds: string[]) =>
  parseOrThrow(InviteSessionRequest, inviteBody({ target, userIds }));

describe.each(testDatabaseTargets())("the baseline against the project (%s)", (kind) => {
  let db: TestDatabase;
  let admin: pg.Pool;
  let app: BenchApp;
  let project: StatementLog;
  let baseline: ReturnType<typeof recordingPool>;
  const interference: Interference = { left: 0, sessionId: "" };

  // Another writer between the invite's read and its write: its compare-and-set must fail.
  const interfere = async (text: string) => {
    if (interference.left > 0 && isInviteWrite(text)) {
      interference.left -= 1;
      await admin.query(`UPDATE "session" SET "event_seq" = "event_seq" + 1 WHERE "id" = $1`, [
        interference.sessionId,
      ]);
    }
  };

  beforeAll(async () => {
    db = await createTestDatabase({ target: kind });
    admin = new pg.Pool({ connectionString: db.url, max: 1 });
    admin.on("error", () => {});
    app = await createBenchApp(admin);
    project = createStatementLog(db.url, { beforeStatement: interfere });
    baseline = recordingPool(db.url, interfere);
  });

  afterAll(async () => {
    await project?.close();
    await baseline?.pool.end();
    await admin?.end();
    await db?.close();
  });

  /** Runs one invite both ways, each on its own new session; returns both statement lists. */
  async function bothWays(
    setup: { timeout?: number; stale?: number; before?: string[] },
    userIds: string[],
  ) {
    const [a, b] = (await provisionTargets(admin, app.id, 2, setup.timeout ?? 0)) as [
      InviteTarget,
      InviteTarget,
    ];
    for (const target of [a, b]) {
      if (setup.before) {
        await inviteSession(
          { db: db.prisma, app: { id: app.id }, trace: { id: "setup" }, settings: SETTINGS },
          params(target, setup.before),
        );
      }
    }
    project.clear();
    Object.assign(interference, { left: setup.stale ?? 0, sessionId: a.sessionId });
    const projectResult = await inviteSession(
      { db: project.prisma, app: { id: app.id }, trace: { id: "trace-1" }, settings: SETTINGS },
      params(a, userIds),
    );
    baseline.statements.length = 0;
    Object.assign(interference, { left: setup.stale ?? 0, sessionId: b.sessionId });
    const baselineResult = await baselineInvite(
      baseline.pool,
      app.id,
      params(b, userIds),
      "trace-1",
    );
    expect(baselineResult).toStrictEqual(projectResult);
    return {
      a,
      b,
      project: project.statements.map(normalise),
      baseline: baseline.statements.map(normalise),
    };
  }

  /** What the invites wrote in a session, comparable across sessions. */
  async function written(target: InviteTarget) {
    const members = await admin.query(
      `SELECT "user_id", "confirm_state", "member_session_state", "medias", "tools", "roles",
              "device_type", "seq_id", "extra", "invited_by",
              extract(epoch FROM "calling_deadline" - "invited_at") AS ring_seconds
         FROM "session_member" WHERE "session_id" = $1 ORDER BY "user_id"`,
      [target.sessionId],
    );
    const events = await admin.query(
      `SELECT "seq", "type", "actor_id", "subject_id", "from_state", "to_state", "trace_id",
              "payload" - 'collaborationID' AS payload
         FROM "session_event" WHERE "session_id" = $1 AND "trace_id" = 'trace-1' ORDER BY "seq"`,
      [target.sessionId],
    );
    const session = await admin.query(`SELECT "event_seq" FROM "session" WHERE "id" = $1`, [
      target.sessionId,
    ]);
    return { members: members.rows, events: events.rows, session: session.rows };
  }

  it("the common path: one read, one write, the same texts and rows", async () => {
    const run = await bothWays({}, ["m1", "m2", "m3"]);
    expect(run.project).toHaveLength(2);
    expect(run.baseline).toStrictEqual(run.project);
    const rows = await written(run.a);
    expect(await written(run.b)).toStrictEqual(rows);
    // The deployment's default calling timeout (the test sets none): 60 s.
    expect(rows.members.filter((m) => m.user_id !== "inviter").map((m) => m.ring_seconds)).toEqual([
      "60.000000",
      "60.000000",
      "60.000000",
    ]);
  });

  it("the collaboration's own calling timeout, and an invite that adds one and leaves one", async () => {
    const run = await bothWays({ timeout: 7, before: ["m1"] }, ["m1", "m2"]);
    expect(run.baseline).toStrictEqual(run.project);
    const rows = await written(run.a);
    expect(await written(run.b)).toStrictEqual(rows);
    expect(rows.members.find((m) => m.user_id === "m2")?.ring_seconds).toBe("7.000000");
  });

  it("nothing to change: the read alone", async () => {
    const run = await bothWays({ before: ["m1"] }, ["m1"]);
    expect(run.project).toHaveLength(1);
    expect(run.baseline).toStrictEqual(run.project);
  });

  it("the locked fallback after two failed compare-and-sets: the same statements", async () => {
    const run = await bothWays({ stale: 2 }, ["m1", "m2"]);
    // read, write (stale) × 2, then BEGIN, lock, read, write, COMMIT.
    expect(run.project).toHaveLength(9);
    expect(run.project[4]).toBe("BEGIN");
    expect(run.baseline).toStrictEqual(run.project);
    expect(await written(run.b)).toStrictEqual(await written(run.a));
  });

  it("authentication: the secret lookup (Prisma's text, once per 5 s) and the nonce insert", async () => {
    project.clear();
    const cache = createAppSecretCache(project.prisma);
    expect((await cache.lookup(app.id))?.current).toBe(app.secret);
    expect((await cache.lookup(app.id))?.current).toBe(app.secret);
    const use = { appId: app.id, nonce: "nonce-a", expiresAt: new Date(Date.now() + 60_000) };
    expect(await consumeNonce(project.prisma, use)).toBe(true);
    expect(await consumeNonce(project.prisma, use)).toBe(false);
    const projectStatements = project.statements.map(normalise);
    expect(projectStatements).toHaveLength(3);
    expect(projectStatements[0]).toBe(FIND_APP_SECRET.text);

    baseline.statements.length = 0;
    const env = createAuthEnv(pgExecutor(baseline.pool));
    expect((await env.secrets.lookup(app.id))?.current).toBe(app.secret);
    expect((await env.secrets.lookup(app.id))?.current).toBe(app.secret);
    const executor = env.db as Parameters<typeof consumeNonce>[0];
    const again = { ...use, nonce: "nonce-b" };
    expect(await consumeNonce(executor, again)).toBe(true);
    expect(await consumeNonce(executor, again)).toBe(false);
    expect(baseline.statements.map(normalise)).toStrictEqual(projectStatements);
  });

  it("the baseline's authenticate refuses a replayed nonce", async () => {
    const { signRequestHeaders } = await import("@collab/hiar-auth");
    const headers = signRequestHeaders({
      appId: app.id,
      secret: app.secret,
      method: "POST",
      path: "/session/invite",
    });
    const env = createAuthEnv(pgExecutor(baseline.pool));
    const head = { method: "POST", path: "/session/invite", rawQuery: "", headers };
    expect(await authenticate(env, head)).toBe(app.id);
    await expect(authenticate(env, head)).rejects.toMatchObject({ reason: "NONCE_REUSED" });
  });
});
