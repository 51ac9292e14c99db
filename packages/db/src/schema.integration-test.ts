/**
 * The migrations and prisma/schema.prisma agree: a database built by applying prisma/migrations
 * (with ./migrate) is exactly what the schema declares, as judged by Prisma's own schema engine
 * (wasm build) diffing the live database against the schema file — the comparison
 * `prisma migrate dev` makes to decide whether a new migration is needed. An edit to the schema
 * without a migration, or to a migration without the schema, makes the diff non-empty and fails
 * the first test; the "is caught" tests prove the diff is sensitive to such edits.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CollaborationState,
  ConfirmState,
  MemberSessionState,
  Prisma,
  RecordState,
  SessionState,
} from "./generated/prisma/client";
import { newAppId, newId, newSecret } from "./ids";
import { schemaPath } from "./paths";
import { openSchemaEngine, type SchemaEngineSession } from "./schema-engine";
import { createTestDatabase, type TestDatabase, testDatabaseTargets } from "./testing";

const schemaText = readFileSync(schemaPath, "utf8");

function editedSchema(search: string, replacement: string): { path: string; content: string }[] {
  expect(schemaText).toContain(search);
  return [{ path: schemaPath, content: schemaText.replace(search, replacement) }];
}

const HIAR_ENUMS = {
  collaboration_state: ["COLLABORATION_UNSPECIFIED", "COLLABORATION_START", "COLLABORATION_END"],
  session_state: ["SESSION_UNSPECIFIED", "SESSION_SCHEDULE", "SESSION_START", "SESSION_END"],
  record_state: ["RECORD_STATE_UNSPECIFIED"],
  confirm_state: ["CONFIRM_UNSPECIFIED", "CONFIRM_ACCEPT", "CONFIRM_REJECT"],
  member_session_state: [
    "MEMBER_UNSPECIFIED",
    "MEMBER_CALLING",
    "MEMBER_TALKING",
    "MEMBER_LEFT",
    "MEMBER_TIMEOUT",
    "MEMBER_BUSY",
    "MEMBER_OFFLINE",
    "MEMBER_KICKOUT",
    "MEMBER_DECLINE",
  ],
};

describe.each(testDatabaseTargets())("schema on %s", (target) => {
  let db: TestDatabase;
  let engine: SchemaEngineSession;

  beforeAll(async () => {
    db = await createTestDatabase({ target });
    engine = await openSchemaEngine(db.url);
  });

  afterAll(async () => {
    await engine?.close();
    await db?.close();
  });

  it("the migrated database is exactly what schema.prisma declares", async () => {
    const diff = await engine.diffDatabaseToSchema();
    // On failure, `script` is the migration that is missing: see README "Authoring a migration".
    expect(diff).toEqual({ empty: true, script: "-- This is an empty migration.\n" });
  });

  it("is caught: a schema edit without a migration", async () => {
    const added = await engine.diffDatabaseToSchema(
      editedSchema(
        "  webhookUrl              String?",
        "  nickname                String?\n  webhookUrl              String?",
      ),
    );
    expect(added.empty).toBe(false);
    expect(added.script).toContain('ALTER TABLE "app" ADD COLUMN     "nickname" TEXT;');

    const enumValue = await engine.diffDatabaseToSchema(
      editedSchema("  MEMBER_DECLINE\n", "  MEMBER_DECLINE\n  MEMBER_AWAY\n"),
    );
    expect(enumValue.script).toContain(
      `ALTER TYPE "member_session_state" ADD VALUE 'MEMBER_AWAY';`,
    );

    const index = await engine.diffDatabaseToSchema(
      editedSchema("@@index([appId, userId])", "@@index([userId, appId])"),
    );
    expect(index.empty).toBe(false);
  });

  it("is caught: a database change the schema does not declare", async () => {
    await db.prisma.$executeRawUnsafe(`CREATE INDEX "nonce_nonce_idx" ON "nonce" ("nonce")`);
    try {
      const diff = await engine.diffDatabaseToSchema();
      expect(diff.empty).toBe(false);
      expect(diff.script).toContain('DROP INDEX "nonce_nonce_idx";');
    } finally {
      await db.prisma.$executeRawUnsafe(`DROP INDEX "nonce_nonce_idx"`);
    }
    expect((await engine.diffDatabaseToSchema()).empty).toBe(true);
  });

  it("stores HiAR's enum names, in the client and in the database", async () => {
    expect(Object.values(CollaborationState)).toEqual(HIAR_ENUMS.collaboration_state);
    expect(Object.values(SessionState)).toEqual(HIAR_ENUMS.session_state);
    expect(Object.values(RecordState)).toEqual(HIAR_ENUMS.record_state);
    expect(Object.values(ConfirmState)).toEqual(HIAR_ENUMS.confirm_state);
    expect(Object.values(MemberSessionState)).toEqual(HIAR_ENUMS.member_session_state);
    const rows = await db.prisma.$queryRaw<{ type: string; labels: string[] }[]>`
      SELECT t.typname::text AS type, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
        FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
        JOIN pg_namespace n ON n.oid = t.typnamespace AND n.nspname = current_schema()
       GROUP BY t.typname`;
    // Our own enums (webhook_outcome) live beside HiAR's.
    expect(Object.fromEntries(rows.map((row) => [row.type, row.labels]))).toEqual({
      ...HIAR_ENUMS,
      webhook_outcome: ["DELIVERED", "FAILED", "ABANDONED"],
    });
  });

  describe("constraints", () => {
    const appId = newAppId();
    const otherAppId = newAppId();
    const collaborationId = newId();
    const sessionId = newId();

    beforeAll(async () => {
      await db.prisma.app.createMany({
        data: [
          { id: appId, name: "A", secret: newSecret() },
          { id: otherAppId, name: "B", secret: newSecret() },
        ],
      });
      await db.prisma.collaboration.create({
        data: {
          id: collaborationId,
          appId,
          creatorId: "u1",
          ruleSettings: { numberLimit: 5 },
          numberLimit: 5,
        },
      });
      await db.prisma.session.create({ data: { id: sessionId, appId, collaborationId } });
    });

    const code = (error: unknown) =>
      error instanceof Prisma.PrismaClientKnownRequestError ? error.code : String(error);

    it("one member row per (session, userID)", async () => {
      const member = { appId, sessionId, userId: "u1" };
      await db.prisma.sessionMember.create({ data: member });
      const error = await db.prisma.sessionMember.create({ data: member }).catch((e: unknown) => e);
      expect(code(error)).toBe("P2002");
      await db.prisma.sessionMember.create({ data: { ...member, userId: "u2" } });
      const row = await db.prisma.sessionMember.findUniqueOrThrow({
        where: { sessionId_userId: { sessionId, userId: "u1" } },
      });
      expect(row).toMatchObject({
        confirmState: "CONFIRM_UNSPECIFIED",
        memberSessionState: "MEMBER_UNSPECIFIED",
        medias: [],
        roles: [],
        tools: [],
        deviceType: 0,
        seqId: 0,
        extra: "",
        invitedBy: null,
      });
    });

    it("a nonce is recorded once per app (atomic check-and-record)", async () => {
      const expiresAt = new Date(Date.now() + 300_000);
      const first = await db.prisma.nonce.createMany({
        data: [{ appId, nonce: "n-1", expiresAt }],
        skipDuplicates: true,
      });
      const replay = await db.prisma.nonce.createMany({
        data: [{ appId, nonce: "n-1", expiresAt }],
        skipDuplicates: true,
      });
      expect([first.count, replay.count]).toEqual([1, 0]);
      const error = await db.prisma.nonce
        .create({ data: { appId, nonce: "n-1", expiresAt } })
        .catch((e: unknown) => e);
      expect(code(error)).toBe("P2002");
      // The same nonce for another app is another nonce.
      await db.prisma.nonce.create({ data: { appId: otherAppId, nonce: "n-1", expiresAt } });
    });

    it("a row cannot point into another app's data", async () => {
      const session = await db.prisma.session
        .create({ data: { id: newId(), appId: otherAppId, collaborationId } })
        .catch((e: unknown) => e);
      expect(code(session)).toBe("P2003");
      const member = await db.prisma.sessionMember
        .create({ data: { appId: otherAppId, sessionId, userId: "intruder" } })
        .catch((e: unknown) => e);
      expect(code(member)).toBe("P2003");
    });

    it("event seq is unique per session and eventSeq counts under the row lock", async () => {
      const next = () =>
        db.prisma.$queryRaw<{ event_seq: number }[]>`
          UPDATE "session" SET "event_seq" = "event_seq" + 1
           WHERE "app_id" = ${appId} AND "id" = ${sessionId} RETURNING "event_seq"`;
      const [a] = await next();
      const [b] = await next();
      expect([a?.event_seq, b?.event_seq]).toEqual([1, 2]);
      const event = {
        appId,
        sessionId,
        seq: 1,
        type: "member.invited",
        actorId: "u1",
        subjectId: "u2",
        fromState: MemberSessionState.MEMBER_UNSPECIFIED,
        toState: MemberSessionState.MEMBER_CALLING,
        traceId: "abcdefghij",
        payload: { members: ["u2"] },
      };
      const created = await db.prisma.sessionEvent.create({ data: event });
      expect(typeof created.id).toBe("bigint");
      const error = await db.prisma.sessionEvent.create({ data: event }).catch((e: unknown) => e);
      expect(code(error)).toBe("P2002");
    });

    it("timestamps keep milliseconds and the instant (timestamptz(3))", async () => {
      const beginTime = new Date("2023-07-01T03:00:00.123Z");
      const row = await db.prisma.collaboration.update({
        where: { id: collaborationId },
        data: { beginTime },
      });
      expect(row.beginTime?.toISOString()).toBe("2023-07-01T03:00:00.123Z");
      expect(row.updatedAt).toBeInstanceOf(Date);
    });

    it("deleting an app deletes everything it owns", async () => {
      await db.prisma.app.delete({ where: { id: appId } });
      const counts = await Promise.all([
        db.prisma.collaboration.count({ where: { appId } }),
        db.prisma.session.count({ where: { appId } }),
        db.prisma.sessionMember.count({ where: { appId } }),
        db.prisma.sessionEvent.count({ where: { appId } }),
        db.prisma.nonce.count({ where: { appId } }),
      ]);
      expect(counts).toEqual([0, 0, 0, 0, 0]);
      expect(await db.prisma.nonce.count({ where: { appId: otherAppId } })).toBe(1);
    });
  });
});
