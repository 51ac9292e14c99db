import {
  HiarError,
  InviteSessionResult,
  MemberActionRequest,
  type MemberSessionStateName,
  TERMINAL_MEMBER_STATES,
} from "@collab/contracts";
import { type Database, newId } from "@collab/db";
import {
  createStatementLog,
  createTestDatabase,
  type TestDatabase,
  testDatabaseTargets,
} from "@collab/db/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { DomainContext } from "./context";
import { inviteSession } from "./invite-session";
import { acceptCall, declineCall } from "./member-actions";
import {
  contextFor,
  inviteRequest,
  liveCount,
  makeDue,
  newApp,
  newSession,
  reasonOf,
  type SessionFixture,
  sessionSnapshot,
  setStates,
  uid,
} from "./test-support";
import { timeOutDueCalls } from "./time-out-due-calls";

describe.each(testDatabaseTargets())("inviteSession on %s", (target) => {
  let db: TestDatabase;
  let prisma: Database;
  let appId: string;
  let ctx: DomainContext;

  beforeAll(async () => {
    db = await createTestDatabase({ target });
    prisma = db.prisma;
    appId = await newApp(prisma, "invite tests");
    ctx = contextFor(prisma, appId, "trace-invite");
  });

  afterAll(async () => {
    await db?.close();
  });

  describe("outcomes", () => {
    it("adds absent invitees as CALLING, fields stored as sent, with events", async () => {
      const s = await newSession(ctx);
      const [a, b] = [uid("a"), uid("b")];
      const before = await sessionSnapshot(prisma, s.sessionID);
      const t0 = Date.now();
      const result = await inviteSession(
        { ...ctx, trace: { id: "trace-added" } },
        inviteRequest(s, s.creator, [
          {
            userID: a,
            confirmState: "CONFIRM_ACCEPT",
            medias: [1, 2],
            tools: [{ kind: 3, extra: "pen", userID: a }],
            roles: [4, 5],
            deviceType: 6,
            seqID: 7,
            extra: "ä € 😀 'quoted' \"double\" \\ {}",
          },
          { userID: b, memberSessionState: "MEMBER_CALLING" },
        ]),
      );

      expect(InviteSessionResult.parse(result)).toStrictEqual(result);
      expect(result).toStrictEqual({
        members: [
          { userID: a, outcome: "added", memberSessionState: "MEMBER_CALLING" },
          { userID: b, outcome: "added", memberSessionState: "MEMBER_CALLING" },
        ],
      });

      const after = await sessionSnapshot(prisma, s.sessionID);
      const rowA = after.members.find((m) => m.userId === a);
      expect(rowA).toMatchObject({
        appId,
        confirmState: "CONFIRM_ACCEPT",
        memberSessionState: "MEMBER_CALLING",
        medias: [1, 2],
        tools: [{ kind: 3, extra: "pen", userID: a }],
        roles: [4, 5],
        deviceType: 6,
        seqId: 7,
        extra: "ä € 😀 'quoted' \"double\" \\ {}",
        invitedBy: s.creator,
      });
      expect(rowA?.invitedAt?.getTime()).toBeGreaterThanOrEqual(t0 - 5_000);
      expect(after.members.find((m) => m.userId === b)).toMatchObject({
        confirmState: "CONFIRM_UNSPECIFIED",
        memberSessionState: "MEMBER_CALLING",
        medias: [],
        tools: [],
        roles: [],
        deviceType: 0,
        seqId: 0,
        extra: "",
        invitedBy: s.creator,
      });

      // Two events, with the next seqs of the session, in request order.
      const prev = before.session.eventSeq;
      expect(after.session.eventSeq).toBe(prev + 2);
      const added = after.events.slice(before.events.length);
      expect(added).toHaveLength(2);
      expect(added.map((e) => e.seq)).toStrictEqual([prev + 1, prev + 2]);
      expect(added[0]).toMatchObject({
        appId,
        sessionId: s.sessionID,
        type: "member.invited",
        actorId: s.creator,
        subjectId: a,
        fromState: null,
        toState: "MEMBER_CALLING",
        traceId: "trace-added",
      });
      expect(added[0]?.payload).toStrictEqual({
        collaborationID: s.collaborationID,
        outcome: "added",
        member: {
          userID: a,
          confirmState: "CONFIRM_ACCEPT",
          memberSessionState: "MEMBER_CALLING",
          medias: [1, 2],
          tools: [{ kind: 3, extra: "pen", userID: a }],
          roles: [4, 5],
          deviceType: 6,
          seqID: 7,
          extra: "ä € 😀 'quoted' \"double\" \\ {}",
        },
      });
      expect(added[1]).toMatchObject({ subjectId: b, type: "member.invited" });
      // The whole log is gap-free: 1 … n.
      expect(after.events.map((e) => e.seq)).toStrictEqual(after.events.map((_, i) => i + 1));
    });

    it("rings again members in every terminal state and MEMBER_UNSPECIFIED", async () => {
      const inviter = uid("inviter");
      const terminal = TERMINAL_MEMBER_STATES.map((state) => ({ state, userID: uid(state) }));
      const unspecified = uid("unspecified");
      const s = await newSession(ctx, {
        creator: inviter,
        members: [...terminal.map((t) => t.userID), unspecified],
      });
      await setStates(
        prisma,
        s.sessionID,
        Object.fromEntries(terminal.map((t) => [t.userID, t.state])),
      );
      const other = uid("someone");
      await prisma.sessionMember.updateMany({
        where: { sessionId: s.sessionID },
        data: { invitedBy: other, extra: "old", roles: [9], seqId: 99 },
      });
      const before = await sessionSnapshot(prisma, s.sessionID);

      const invitees = [...terminal.map((t) => t.userID), unspecified];
      const result = await inviteSession(
        ctx,
        inviteRequest(
          s,
          inviter,
          invitees.map((userID, i) => ({ userID, extra: `new-${i}`, roles: [i], seqID: i })),
        ),
      );
      expect(result.members).toStrictEqual(
        invitees.map((userID) => ({
          userID,
          outcome: "rung_again",
          memberSessionState: "MEMBER_CALLING",
        })),
      );

      const after = await sessionSnapshot(prisma, s.sessionID);
      invitees.forEach((userID, i) => {
        const row = after.members.find((m) => m.userId === userID);
        expect(row).toMatchObject({
          memberSessionState: "MEMBER_CALLING",
          extra: `new-${i}`,
          roles: [i],
          seqId: i,
          invitedBy: inviter,
        });
        const old = before.members.find((m) => m.userId === userID);
        expect(row?.invitedAt).not.toBeNull();
        expect(row?.createdAt.getTime()).toBe(old?.createdAt.getTime());
      });

      const events = after.events.slice(before.events.length);
      expect(events.map((e) => [e.type, e.subjectId, e.fromState, e.toState])).toStrictEqual([
        ...terminal.map((t) => ["member.rung_again", t.userID, t.state, "MEMBER_CALLING"]),
        ["member.rung_again", unspecified, "MEMBER_UNSPECIFIED", "MEMBER_CALLING"],
      ]);
      expect(events.map((e) => e.seq)).toStrictEqual(
        invitees.map((_, i) => before.session.eventSeq + i + 1),
      );
      expect(new Set(events.map((e) => e.actorId))).toStrictEqual(new Set([inviter]));
      expect(new Set(events.map((e) => e.traceId))).toStrictEqual(new Set([ctx.trace.id]));
    });

    it("leaves CALLING and TALKING members unchanged: nothing written, no event", async () => {
      const [calling, talking] = [uid("calling"), uid("talking")];
      const s = await newSession(ctx, { members: [calling, talking] });
      await setStates(prisma, s.sessionID, {
        [calling]: "MEMBER_CALLING",
        [talking]: "MEMBER_TALKING",
      });
      const before = await sessionSnapshot(prisma, s.sessionID);
      const result = await inviteSession(
        ctx,
        inviteRequest(s, s.creator, [
          { userID: calling, extra: "ignored" },
          { userID: talking, roles: [42] },
        ]),
      );
      expect(result.members).toStrictEqual([
        { userID: calling, outcome: "unchanged", memberSessionState: "MEMBER_CALLING" },
        { userID: talking, outcome: "unchanged", memberSessionState: "MEMBER_TALKING" },
      ]);
      expect(await sessionSnapshot(prisma, s.sessionID)).toStrictEqual(before);

      // Idempotent: inviting the same new member twice adds once, then leaves it.
      const fresh = uid("fresh");
      const first = await inviteSession(ctx, inviteRequest(s, s.creator, [fresh]));
      const mid = await sessionSnapshot(prisma, s.sessionID);
      const second = await inviteSession(ctx, inviteRequest(s, s.creator, [fresh, calling]));
      expect(first.members[0]?.outcome).toBe("added");
      expect(second.members.map((m) => m.outcome)).toStrictEqual(["unchanged", "unchanged"]);
      expect(await sessionSnapshot(prisma, s.sessionID)).toStrictEqual(mid);
      expect(mid.events.length).toBe(before.events.length + 1);
    });

    it("mixes outcomes in request order; only changed members get events", async () => {
      const [talking, left] = [uid("talking"), uid("left")];
      const fresh = uid("fresh");
      const s = await newSession(ctx, { members: [talking, left] });
      await setStates(prisma, s.sessionID, {
        [talking]: "MEMBER_TALKING",
        [left]: "MEMBER_LEFT",
      });
      const before = await sessionSnapshot(prisma, s.sessionID);
      const result = await inviteSession(ctx, inviteRequest(s, s.creator, [left, talking, fresh]));
      expect(result.members).toStrictEqual([
        { userID: left, outcome: "rung_again", memberSessionState: "MEMBER_CALLING" },
        { userID: talking, outcome: "unchanged", memberSessionState: "MEMBER_TALKING" },
        { userID: fresh, outcome: "added", memberSessionState: "MEMBER_CALLING" },
      ]);
      const after = await sessionSnapshot(prisma, s.sessionID);
      const events = after.events.slice(before.events.length);
      expect(events.map((e) => [e.seq, e.type, e.subjectId])).toStrictEqual([
        [before.session.eventSeq + 1, "member.rung_again", left],
        [before.session.eventSeq + 2, "member.invited", fresh],
      ]);
      const talkingBefore = before.members.find((m) => m.userId === talking);
      const talkingAfter = after.members.find((m) => m.userId === talking);
      expect(talkingAfter).toStrictEqual(talkingBefore);
    });
  });

  describe("refusals change nothing", () => {
    async function expectRefused(
      call: () => Promise<unknown>,
      reason: string,
      sessionIDs: string[],
      messageMatch?: RegExp,
    ) {
      const before = await Promise.all(sessionIDs.map((id) => sessionSnapshot(prisma, id)));
      let error: unknown;
      try {
        await call();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(HiarError);
      expect((error as HiarError).reason).toBe(reason);
      if (messageMatch) expect((error as HiarError).message).toMatch(messageMatch);
      const after = await Promise.all(sessionIDs.map((id) => sessionSnapshot(prisma, id)));
      expect(after).toStrictEqual(before);
      return error as HiarError;
    }

    it("NOT_FOUND: unknown collaboration or session, malformed IDs", async () => {
      const s = await newSession(ctx);
      const invitee = uid();
      const unknown = newId();
      const e1 = await expectRefused(
        () =>
          inviteSession(
            ctx,
            inviteRequest({ ...s, collaborationID: unknown }, s.creator, [invitee]),
          ),
        "NOT_FOUND",
        [s.sessionID],
      );
      expect(e1.field).toBe("collaborationID");
      const e2 = await expectRefused(
        () => inviteSession(ctx, inviteRequest({ ...s, sessionID: unknown }, s.creator, [invitee])),
        "NOT_FOUND",
        [s.sessionID],
      );
      expect(e2.field).toBe("sessionID");
      const malformed = (id: string) => [`${id} `, ` ${id}`, id.toUpperCase(), "x", id.slice(1)];
      for (const bad of malformed(s.sessionID)) {
        await expectRefused(
          () => inviteSession(ctx, inviteRequest({ ...s, sessionID: bad }, s.creator, [invitee])),
          "NOT_FOUND",
          [s.sessionID],
        );
      }
      for (const bad of malformed(s.collaborationID)) {
        await expectRefused(
          () =>
            inviteSession(ctx, inviteRequest({ ...s, collaborationID: bad }, s.creator, [invitee])),
          "NOT_FOUND",
          [s.sessionID],
        );
      }
    });

    it("NOT_FOUND: a session of another collaboration of the same app", async () => {
      const s1 = await newSession(ctx);
      const s2 = await newSession(ctx, { creator: s1.creator });
      await expectRefused(
        () =>
          inviteSession(
            ctx,
            inviteRequest(
              { collaborationID: s1.collaborationID, sessionID: s2.sessionID },
              s1.creator,
              [uid()],
            ),
          ),
        "NOT_FOUND",
        [s1.sessionID, s2.sessionID],
      );
    });

    it("NOT_FOUND: another app's collaboration and session, exactly as if absent", async () => {
      const otherApp = await newApp(prisma, "other app");
      const otherCtx = contextFor(prisma, otherApp);
      const inviter = uid("shared-user");
      const theirs = await newSession(otherCtx, { creator: inviter });
      const ours = await newSession(ctx, { creator: inviter });
      const invitee = uid();

      const foreign = await expectRefused(
        () => inviteSession(ctx, inviteRequest(theirs, inviter, [invitee])),
        "NOT_FOUND",
        [theirs.sessionID, ours.sessionID],
      );
      const absent = await expectRefused(
        () =>
          inviteSession(
            ctx,
            inviteRequest({ collaborationID: newId(), sessionID: newId() }, inviter, [invitee]),
          ),
        "NOT_FOUND",
        [theirs.sessionID],
      );
      expect(foreign.field).toBe(absent.field);
      expect(foreign.message.replaceAll(theirs.collaborationID, "ID")).toBe(
        absent.message.replace(/[0-9a-f]{32}/, "ID"),
      );
      // Our collaboration with their session, their collaboration with our session.
      await expectRefused(
        () =>
          inviteSession(
            ctx,
            inviteRequest(
              { collaborationID: ours.collaborationID, sessionID: theirs.sessionID },
              inviter,
              [invitee],
            ),
          ),
        "NOT_FOUND",
        [theirs.sessionID, ours.sessionID],
      );
      await expectRefused(
        () =>
          inviteSession(
            ctx,
            inviteRequest(
              { collaborationID: theirs.collaborationID, sessionID: ours.sessionID },
              inviter,
              [invitee],
            ),
          ),
        "NOT_FOUND",
        [theirs.sessionID, ours.sessionID],
      );
      // The owner can invite.
      const ok = await inviteSession(otherCtx, inviteRequest(theirs, inviter, [invitee]));
      expect(ok.members[0]?.outcome).toBe("added");
    });

    it("INVALID_STATE: the session or the collaboration has ended", async () => {
      const s1 = await newSession(ctx);
      await prisma.session.update({ where: { id: s1.sessionID }, data: { state: "SESSION_END" } });
      await expectRefused(
        () => inviteSession(ctx, inviteRequest(s1, s1.creator, [uid()])),
        "INVALID_STATE",
        [s1.sessionID],
        /session .* has ended/,
      );
      const s2 = await newSession(ctx);
      await prisma.collaboration.update({
        where: { id: s2.collaborationID },
        data: { state: "COLLABORATION_END" },
      });
      await expectRefused(
        () => inviteSession(ctx, inviteRequest(s2, s2.creator, [uid()])),
        "INVALID_STATE",
        [s2.sessionID],
        /collaboration .* has ended/,
      );
      // SESSION_START is not ended.
      const s3 = await newSession(ctx);
      await prisma.session.update({
        where: { id: s3.sessionID },
        data: { state: "SESSION_START" },
      });
      expect(
        (await inviteSession(ctx, inviteRequest(s3, s3.creator, [uid()]))).members,
      ).toHaveLength(1);
    });

    it("PERMISSION_DENIED: inviter not a member, or kicked out", async () => {
      const member = uid("member");
      const s = await newSession(ctx, { members: [member] });
      const outsider = uid("outsider");
      const e1 = await expectRefused(
        () => inviteSession(ctx, inviteRequest(s, outsider, [uid()])),
        "PERMISSION_DENIED",
        [s.sessionID],
        /not a member/,
      );
      expect(e1.field).toBe("userID");
      // A member of ANOTHER session of the app is not a member of this one.
      const elsewhere = await newSession(ctx, { creator: outsider });
      expect(elsewhere.creator).toBe(outsider);
      await expectRefused(
        () => inviteSession(ctx, inviteRequest(s, outsider, [uid()])),
        "PERMISSION_DENIED",
        [s.sessionID],
      );
      await setStates(prisma, s.sessionID, { [member]: "MEMBER_KICKOUT" });
      await expectRefused(
        () => inviteSession(ctx, inviteRequest(s, member, [uid()])),
        "PERMISSION_DENIED",
        [s.sessionID],
        /kicked out/,
      );
      // Even when every invitee would be unchanged.
      await setStates(prisma, s.sessionID, { [s.creator]: "MEMBER_TALKING" });
      await expectRefused(
        () => inviteSession(ctx, inviteRequest(s, member, [s.creator])),
        "PERMISSION_DENIED",
        [s.sessionID],
      );
    });

    it("any other inviter state may invite (docs/decisions.md: only KICKOUT is refused)", async () => {
      const states: MemberSessionStateName[] = [
        "MEMBER_UNSPECIFIED",
        "MEMBER_CALLING",
        "MEMBER_TALKING",
        "MEMBER_LEFT",
        "MEMBER_TIMEOUT",
        "MEMBER_BUSY",
        "MEMBER_OFFLINE",
        "MEMBER_DECLINE",
      ];
      const s = await newSession(ctx);
      for (const state of states) {
        await setStates(prisma, s.sessionID, { [s.creator]: state });
        const result = await inviteSession(ctx, inviteRequest(s, s.creator, [uid(state)]));
        expect(result.members[0]?.outcome).toBe("added");
      }
    });

    it("INVALID_PARAM for request rules when the contract was skipped", async () => {
      const s = await newSession(ctx);
      const base = inviteRequest(s, s.creator, [uid()]);
      const dup = uid();
      const member = base.members[0];
      if (member === undefined) throw new Error("no member");
      for (const [members, field] of [
        [[], "members"],
        [
          [
            { ...member, userID: dup },
            { ...member, userID: dup },
          ],
          "members[1].userID",
        ],
        [[{ ...member, userID: s.creator }], "members[0].userID"],
      ] as const) {
        const error = await expectRefused(
          () => inviteSession(ctx, { ...base, members: [...members] }),
          "INVALID_PARAM",
          [s.sessionID],
        );
        expect(error.field).toBe(field);
      }
    });
  });

  describe("member limit", () => {
    it("numberLimit lower than 500: exactly at the limit passes, one over fails whole", async () => {
      const s = await newSession(ctx, { numberLimit: 3 });
      // The inviter is MEMBER_UNSPECIFIED: not live.
      const [a, b, c, d] = [uid("a"), uid("b"), uid("c"), uid("d")];
      await inviteSession(ctx, inviteRequest(s, s.creator, [a, b]));
      expect(await liveCount(prisma, s.sessionID)).toBe(2);

      const before = await sessionSnapshot(prisma, s.sessionID);
      const error = (await inviteSession(ctx, inviteRequest(s, s.creator, [c, d])).catch(
        (e: unknown) => e,
      )) as HiarError;
      expect(error).toBeInstanceOf(HiarError);
      expect(error.reason).toBe("MEMBER_LIMIT_EXCEEDED");
      expect(error.message).toMatch(/4 .* limit is 3/);
      expect(await sessionSnapshot(prisma, s.sessionID)).toStrictEqual(before);

      // Unchanged (already live) invitees do not count twice.
      const ok = await inviteSession(ctx, inviteRequest(s, s.creator, [a, b, c]));
      expect(ok.members.map((m) => m.outcome)).toStrictEqual(["unchanged", "unchanged", "added"]);
      expect(await liveCount(prisma, s.sessionID)).toBe(3);
      // Full: an invite that changes nothing still passes; one that rings someone fails.
      expect((await inviteSession(ctx, inviteRequest(s, s.creator, [a]))).members[0]?.outcome).toBe(
        "unchanged",
      );
      expect(await reasonOf(inviteSession(ctx, inviteRequest(s, s.creator, [d])))).toBe(
        "MEMBER_LIMIT_EXCEEDED",
      );
      // A member leaving frees a place; ringing them again takes it back.
      await setStates(prisma, s.sessionID, { [a]: "MEMBER_LEFT" });
      expect(await reasonOf(inviteSession(ctx, inviteRequest(s, s.creator, [a, d])))).toBe(
        "MEMBER_LIMIT_EXCEEDED",
      );
      const rung = await inviteSession(ctx, inviteRequest(s, s.creator, [a]));
      expect(rung.members[0]?.outcome).toBe("rung_again");
      expect(await liveCount(prisma, s.sessionID)).toBe(3);
      // TALKING counts like CALLING.
      await setStates(prisma, s.sessionID, { [a]: "MEMBER_TALKING", [b]: "MEMBER_TALKING" });
      expect(await reasonOf(inviteSession(ctx, inviteRequest(s, s.creator, [d])))).toBe(
        "MEMBER_LIMIT_EXCEEDED",
      );
    });

    it("numberLimit 1: the limit counts the live inviter too", async () => {
      const s = await newSession(ctx, { numberLimit: 1 });
      await setStates(prisma, s.sessionID, { [s.creator]: "MEMBER_TALKING" });
      expect(await reasonOf(inviteSession(ctx, inviteRequest(s, s.creator, [uid()])))).toBe(
        "MEMBER_LIMIT_EXCEEDED",
      );
    });

    it.each([0, 600])(
      "numberLimit %i: 500 members calling or talking at most",
      async (numberLimit) => {
        const existing = Array.from({ length: 497 }, (_, i) => `m${i}-${uid()}`);
        const s = await newSession(ctx, { members: existing, numberLimit });
        await prisma.sessionMember.updateMany({
          where: { sessionId: s.sessionID },
          data: { memberSessionState: "MEMBER_TALKING" },
        });
        expect(await liveCount(prisma, s.sessionID)).toBe(498); // with the creator
        const [x, y, z] = [uid("x"), uid("y"), uid("z")];
        const before = await sessionSnapshot(prisma, s.sessionID);
        expect(await reasonOf(inviteSession(ctx, inviteRequest(s, s.creator, [x, y, z])))).toBe(
          "MEMBER_LIMIT_EXCEEDED",
        );
        expect(await sessionSnapshot(prisma, s.sessionID)).toStrictEqual(before);
        await inviteSession(ctx, inviteRequest(s, s.creator, [x, y]));
        expect(await liveCount(prisma, s.sessionID)).toBe(500);
        expect(await reasonOf(inviteSession(ctx, inviteRequest(s, s.creator, [z])))).toBe(
          "MEMBER_LIMIT_EXCEEDED",
        );
      },
    );
  });

  it("all or nothing: a failure after the member write rolls the members back", async () => {
    const [left, fresh] = [uid("left"), uid("fresh")];
    const s = await newSession(ctx, { members: [left] });
    await setStates(prisma, s.sessionID, { [left]: "MEMBER_LEFT" });
    const before = await sessionSnapshot(prisma, s.sessionID);
    // Occupy the seq the second event will take: the event insert fails after the upsert ran.
    await prisma.sessionEvent.create({
      data: {
        appId,
        sessionId: s.sessionID,
        seq: before.session.eventSeq + 2,
        type: "test.blocker",
      },
    });
    await expect(inviteSession(ctx, inviteRequest(s, s.creator, [left, fresh]))).rejects.toThrow();
    const after = await sessionSnapshot(prisma, s.sessionID);
    expect(after.members).toStrictEqual(before.members);
    expect(after.session).toStrictEqual(before.session);
    expect(after.events.map((e) => e.type)).toStrictEqual([
      ...before.events.map((e) => e.type),
      "test.blocker",
    ]);
  });

  describe("concurrency", () => {
    // On PostgreSQL, a separate client with a pool of 12 runs the invites truly in parallel; on
    // PGlite (one session) they queue on its single connection.
    async function parallelClient(): Promise<{ client: Database; close: () => Promise<void> }> {
      if (target === "pglite") return { client: prisma, close: async () => {} };
      const log = createStatementLog(db.url, { poolMax: 12 });
      return { client: log.prisma, close: () => log.close() };
    }

    it("10 concurrent invites of distinct members into room for 5: exactly 5 succeed", async () => {
      const s = await newSession(ctx, { numberLimit: 5 });
      const { client, close } = await parallelClient();
      try {
        const pctx = contextFor(client, appId);
        const invitees = Array.from({ length: 10 }, () => uid("racer"));
        const results = await Promise.allSettled(
          invitees.map((id) => inviteSession(pctx, inviteRequest(s, s.creator, [id]))),
        );
        const ok = results.filter((r) => r.status === "fulfilled");
        const refused = results.filter((r) => r.status === "rejected");
        expect(ok).toHaveLength(5);
        expect(refused.map((r) => (r.reason as HiarError).reason)).toStrictEqual(
          Array(5).fill("MEMBER_LIMIT_EXCEEDED"),
        );
        expect(await liveCount(prisma, s.sessionID)).toBe(5);
        const snap = await sessionSnapshot(prisma, s.sessionID);
        expect(snap.events.map((e) => e.seq)).toStrictEqual(snap.events.map((_, i) => i + 1));
        expect(snap.events.filter((e) => e.type === "member.invited")).toHaveLength(5);
      } finally {
        await close();
      }
    });

    it("concurrent multi-member invites never pass the limit, whatever the interleaving", async () => {
      const s = await newSession(ctx, { numberLimit: 7 });
      const { client, close } = await parallelClient();
      try {
        const pctx = contextFor(client, appId);
        // 12 invites of 2 or 3 members, some overlapping: the live count must end ≤ 7 and equal
        // the members of the successful invites.
        const pool = Array.from({ length: 10 }, () => uid("p"));
        const invites = Array.from({ length: 12 }, (_, i) => {
          const picked = [pool[i % 10], pool[(i + 3) % 10], ...(i % 2 ? [pool[(i + 7) % 10]] : [])];
          return [...new Set(picked as string[])];
        });
        const results = await Promise.allSettled(
          invites.map((m) => inviteSession(pctx, inviteRequest(s, s.creator, m))),
        );
        const live = await liveCount(prisma, s.sessionID);
        expect(live).toBeLessThanOrEqual(7);
        const added = new Set<string>();
        for (const r of results) {
          if (r.status === "rejected") {
            expect((r.reason as HiarError).reason).toBe("MEMBER_LIMIT_EXCEEDED");
          } else {
            for (const m of r.value.members) if (m.outcome === "added") added.add(m.userID);
          }
        }
        expect(added.size).toBe(live);
        expect(results.some((r) => r.status === "fulfilled")).toBe(true);
        const snap = await sessionSnapshot(prisma, s.sessionID);
        expect(snap.events.map((e) => e.seq)).toStrictEqual(snap.events.map((_, i) => i + 1));
      } finally {
        await close();
      }
    });

    it("50 concurrent invites into room for 20: exactly 20 succeed, the rest refused", async () => {
      const s = await newSession(ctx, { numberLimit: 20 });
      // A logged client, so we can tell that contention made invites take the session's lock.
      const log = createStatementLog(db.url, { poolMax: target === "pglite" ? 1 : 12 });
      try {
        const pctx = contextFor(log.prisma, appId);
        const invitees = Array.from({ length: 50 }, () => uid("crowd"));
        const results = await Promise.allSettled(
          invitees.map((id) => inviteSession(pctx, inviteRequest(s, s.creator, [id]))),
        );
        const ok = results.filter((r) => r.status === "fulfilled");
        const refused = results.filter((r) => r.status === "rejected");
        expect(ok).toHaveLength(20);
        expect(refused.map((r) => (r.reason as HiarError).reason)).toStrictEqual(
          Array(30).fill("MEMBER_LIMIT_EXCEEDED"),
        );
        expect(await liveCount(prisma, s.sessionID)).toBe(20);
        const snap = await sessionSnapshot(prisma, s.sessionID);
        expect(snap.events.map((e) => e.seq)).toStrictEqual(snap.events.map((_, i) => i + 1));
        const invited = snap.events.filter((e) => e.type === "member.invited");
        expect(invited.map((e) => e.subjectId).sort()).toStrictEqual(
          invitees.filter((_, i) => results[i]?.status === "fulfilled").sort(),
        );
        if (target === "postgres") {
          // 12 connections really overlapped: CAS conflicts, and the locked fallback ran.
          expect(log.statements.filter((t) => /^BEGIN/.test(t)).length).toBeGreaterThan(0);
        }
      } finally {
        await log.close();
      }
    });

    it("10 concurrent invites of the same member: added once, unchanged 9 times", async () => {
      const s = await newSession(ctx);
      const { client, close } = await parallelClient();
      try {
        const pctx = contextFor(client, appId);
        const who = uid("same");
        const before = await sessionSnapshot(prisma, s.sessionID);
        const results = await Promise.all(
          Array.from({ length: 10 }, () => inviteSession(pctx, inviteRequest(s, s.creator, [who]))),
        );
        expect(results.map((r) => r.members[0]?.outcome).sort()).toStrictEqual([
          "added",
          ...Array(9).fill("unchanged"),
        ]);
        const after = await sessionSnapshot(prisma, s.sessionID);
        expect(after.events.length).toBe(before.events.length + 1);
      } finally {
        await close();
      }
    });
  });

  it("costs 2 statements for 1 and for 50 invitees, 1 when nothing changes or it is refused", async () => {
    const log = createStatementLog(db.url);
    try {
      const lctx = contextFor(log.prisma, appId);
      const s = await newSession(ctx, { numberLimit: 120 });
      await log.prisma.$queryRaw`SELECT 1`; // connect outside the measurement
      const count = async (members: string[], inviter = s.creator) => {
        log.clear();
        await inviteSession(lctx, inviteRequest(s, inviter, members)).catch(() => {});
        return log.statements.map(statementKind);
      };
      // No transaction: the read, then the write (CAS on event_seq + members with their calling
      // deadlines + events, one statement).
      const one = await count([uid()]);
      expect(one).toStrictEqual(["read", "write"]);
      expect(log.statements[1]).toContain("calling_deadline");
      const fifty = await count(Array.from({ length: 50 }, () => uid()));
      expect(fifty).toStrictEqual(["read", "write"]);

      // Rung again (50 in terminal states) costs the same; a no-op invite only reads.
      await prisma.sessionMember.updateMany({
        where: { sessionId: s.sessionID, userId: { not: s.creator } },
        data: { memberSessionState: "MEMBER_TIMEOUT", callingDeadline: null },
      });
      const others = await prisma.sessionMember.findMany({
        where: { sessionId: s.sessionID, userId: { not: s.creator } },
        orderBy: { userId: "asc" },
      });
      const rungIds = others.map((m) => m.userId).slice(0, 50);
      expect(await count(rungIds)).toStrictEqual(["read", "write"]);
      expect(await liveCount(prisma, s.sessionID)).toBe(50);
      expect(await count(rungIds)).toStrictEqual(["read"]);
      expect(await count([rungIds[0] as string])).toStrictEqual(["read"]);

      // Refused after the read: one statement, nothing written.
      const before = await sessionSnapshot(prisma, s.sessionID);
      expect(await count([uid()], uid("outsider"))).toStrictEqual(["read"]);
      expect(await count(Array.from({ length: 100 }, () => uid()))).toStrictEqual(["read"]);
      log.clear();
      await expect(
        inviteSession(lctx, inviteRequest({ ...s, sessionID: newId() }, s.creator, [uid()])),
      ).rejects.toMatchObject({ reason: "NOT_FOUND" });
      expect(log.statements.map(statementKind)).toStrictEqual(["read"]);
      expect(await sessionSnapshot(prisma, s.sessionID)).toStrictEqual(before);
      // A malformed ID: nothing at all.
      log.clear();
      await expect(
        inviteSession(lctx, inviteRequest({ ...s, sessionID: "nope" }, s.creator, [uid()])),
      ).rejects.toBeInstanceOf(HiarError);
      expect(log.statements).toHaveLength(0);
    } finally {
      await log.close();
    }
  });

  describe("optimistic concurrency: the write's compare-and-set on event_seq", () => {
    // A logged client on which `between` runs (to completion) before each of the invite's first
    // `times` writes: another writer commits after the invite's read and before its write.
    function interleaved(times: number, between: () => Promise<unknown>) {
      let left = times;
      return createStatementLog(db.url, {
        beforeStatement: async (text) => {
          if (left > 0 && statementKind(text) === "write") {
            left -= 1;
            await between();
          }
        },
      });
    }
    const action = (s: SessionFixture, userID: string) =>
      MemberActionRequest.parse({
        collaborationID: s.collaborationID,
        sessionID: s.sessionID,
        userID,
      });
    const expectGapFree = (snap: Awaited<ReturnType<typeof sessionSnapshot>>) => {
      expect(snap.events.map((e) => e.seq)).toStrictEqual(snap.events.map((_, i) => i + 1));
      expect(snap.session.eventSeq).toBe(snap.events.length);
    };

    it("an accept between the read and the write: read again, the member stays TALKING", async () => {
      const s = await newSession(ctx);
      const [m, n] = [uid("m"), uid("n")];
      await inviteSession(ctx, inviteRequest(s, s.creator, [m]));
      const log = interleaved(1, () => acceptCall(ctx, action(s, m)));
      try {
        const result = await inviteSession(
          contextFor(log.prisma, appId),
          inviteRequest(s, s.creator, [m, n]),
        );
        // Planned on the second read: m was TALKING by then.
        expect(result.members).toStrictEqual([
          { userID: m, outcome: "unchanged", memberSessionState: "MEMBER_TALKING" },
          { userID: n, outcome: "added", memberSessionState: "MEMBER_CALLING" },
        ]);
        expect(log.statements.map(statementKind)).toStrictEqual(["read", "write", "read", "write"]);
        const snap = await sessionSnapshot(prisma, s.sessionID);
        expect(snap.events.slice(-3).map((e) => [e.type, e.subjectId])).toStrictEqual([
          ["member.accepted", m],
          ["session.started", null],
          ["member.invited", n],
        ]);
        expect(snap.members.find((r) => r.userId === m)?.memberSessionState).toBe("MEMBER_TALKING");
        expectGapFree(snap);
      } finally {
        await log.close();
      }
    });

    it("a decline between the read and the write: the member is rung again, not left", async () => {
      const s = await newSession(ctx);
      const [m, n] = [uid("m"), uid("n")];
      await inviteSession(ctx, inviteRequest(s, s.creator, [m]));
      const log = interleaved(1, () => declineCall(ctx, action(s, m)));
      try {
        const result = await inviteSession(
          contextFor(log.prisma, appId),
          inviteRequest(s, s.creator, [m, n]),
        );
        expect(result.members.map((r) => [r.userID, r.outcome])).toStrictEqual([
          [m, "rung_again"],
          [n, "added"],
        ]);
        const snap = await sessionSnapshot(prisma, s.sessionID);
        expect(
          snap.events.slice(-3).map((e) => [e.type, e.subjectId, e.fromState, e.toState]),
        ).toStrictEqual([
          ["member.declined", m, "MEMBER_CALLING", "MEMBER_DECLINE"],
          ["member.rung_again", m, "MEMBER_DECLINE", "MEMBER_CALLING"],
          ["member.invited", n, null, "MEMBER_CALLING"],
        ]);
        const row = snap.members.find((r) => r.userId === m);
        expect(row?.memberSessionState).toBe("MEMBER_CALLING");
        expect(row?.callingDeadline).not.toBeNull();
        expectGapFree(snap);
      } finally {
        await log.close();
      }
    });

    it("the ring clock's sweep between the read and the write: the timed-out member is rung again", async () => {
      const s = await newSession(ctx);
      const [m, n] = [uid("m"), uid("n")];
      await inviteSession(ctx, inviteRequest(s, s.creator, [m]), { callingTimeoutSeconds: 3600 });
      await makeDue(prisma, s.sessionID, [m]);
      const log = interleaved(1, async () => {
        const sweep = await timeOutDueCalls({ db: prisma });
        expect(sweep.timedOut.map((t) => t.userId)).toContain(m);
      });
      try {
        const result = await inviteSession(
          contextFor(log.prisma, appId),
          inviteRequest(s, s.creator, [m, n]),
          { callingTimeoutSeconds: 3600 },
        );
        expect(result.members.map((r) => [r.userID, r.outcome])).toStrictEqual([
          [m, "rung_again"],
          [n, "added"],
        ]);
        const snap = await sessionSnapshot(prisma, s.sessionID);
        expect(snap.events.slice(-3).map((e) => [e.type, e.subjectId, e.fromState])).toStrictEqual([
          ["member.timeout", m, "MEMBER_CALLING"],
          ["member.rung_again", m, "MEMBER_TIMEOUT"],
          ["member.invited", n, null],
        ]);
        // A new ring, a new deadline: an hour from now, not the one that fell due.
        const row = snap.members.find((r) => r.userId === m);
        expect(row?.memberSessionState).toBe("MEMBER_CALLING");
        expect(row?.callingDeadline?.getTime()).toBeGreaterThan(Date.now() + 3_000_000);
        expectGapFree(snap);
      } finally {
        await log.close();
      }
    });

    it("another invite between the read and the write: planned again, refused for the limit", async () => {
      const s = await newSession(ctx, { numberLimit: 2 });
      const [a, b, c] = [uid("a"), uid("b"), uid("c")];
      await inviteSession(ctx, inviteRequest(s, s.creator, [a]));
      // b's invite read live = 1 (room for b); c's invite takes the last place meanwhile.
      const log = interleaved(1, () => inviteSession(ctx, inviteRequest(s, s.creator, [c])));
      try {
        const error = await inviteSession(
          contextFor(log.prisma, appId),
          inviteRequest(s, s.creator, [b]),
        ).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(HiarError);
        expect((error as HiarError).reason).toBe("MEMBER_LIMIT_EXCEEDED");
        expect((error as HiarError).message).toMatch(/3 .* limit is 2/);
        expect(log.statements.map(statementKind)).toStrictEqual(["read", "write", "read"]);
        const snap = await sessionSnapshot(prisma, s.sessionID);
        expect(await liveCount(prisma, s.sessionID)).toBe(2);
        expect(snap.members.map((r) => r.userId)).not.toContain(b);
        expectGapFree(snap);
      } finally {
        await log.close();
      }
    });

    it("conflicting twice, it locks the session (9 statements) and completes", async () => {
      const s = await newSession(ctx);
      const [x, y1, y2] = [uid("x"), uid("y1"), uid("y2")];
      const rivals = [y1, y2];
      const log = interleaved(2, () =>
        inviteSession(ctx, inviteRequest(s, s.creator, [rivals.shift() as string])),
      );
      try {
        await log.prisma.$queryRaw`SELECT 1`;
        log.clear();
        const result = await inviteSession(
          contextFor(log.prisma, appId),
          inviteRequest(s, s.creator, [x]),
        );
        expect(result.members[0]?.outcome).toBe("added");
        expect(log.statements.map(statementKind)).toStrictEqual([
          "read",
          "write",
          "read",
          "write",
          "BEGIN",
          "lock",
          "read",
          "write",
          "COMMIT",
        ]);
        const snap = await sessionSnapshot(prisma, s.sessionID);
        expect(
          snap.events.filter((e) => e.type === "member.invited").map((e) => e.subjectId),
        ).toStrictEqual([y1, y2, x]);
        expectGapFree(snap);

        // The session is now known to be contended (for a second): the next invite into it
        // locks at once, 5 statements. (Unless this machine stalled past that second.)
        const conflictedAt = performance.now();
        log.clear();
        const next = await inviteSession(
          contextFor(log.prisma, appId),
          inviteRequest(s, s.creator, [uid("z")]),
        );
        expect(next.members[0]?.outcome).toBe("added");
        if (performance.now() - conflictedAt < 900) {
          expect(log.statements.map(statementKind)).toStrictEqual([
            "BEGIN",
            "lock",
            "read",
            "write",
            "COMMIT",
          ]);
        }
      } finally {
        await log.close();
      }
    });

    it("a member changed without advancing event_seq: the write fails whole, INVALID_STATE", async () => {
      const s = await newSession(ctx);
      const [left, fresh] = [uid("left"), uid("fresh")];
      await inviteSession(ctx, inviteRequest(s, s.creator, [left]));
      await setStates(prisma, s.sessionID, { [left]: "MEMBER_LEFT" });
      // A writer breaking the invariant: the row turns live behind the session's back.
      const log = interleaved(
        1,
        () =>
          prisma.$executeRaw`UPDATE "session_member" SET "member_session_state" = 'MEMBER_TALKING'
                            WHERE "session_id" = ${s.sessionID} AND "user_id" = ${left}`,
      );
      try {
        const lctx = contextFor(log.prisma, appId);
        const before = await sessionSnapshot(prisma, s.sessionID);
        const error = await inviteSession(lctx, inviteRequest(s, s.creator, [fresh, left])).catch(
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(HiarError);
        expect((error as HiarError).reason).toBe("INVALID_STATE");
        expect((error as HiarError).message).toMatch(/members changed concurrently/);
        const after = await sessionSnapshot(prisma, s.sessionID);
        // Nothing of the invite was written: not the fresh member, not the seq, no event.
        expect(after.session).toStrictEqual(before.session);
        expect(after.events).toStrictEqual(before.events);
        expect(after.members.map((r) => r.userId)).not.toContain(fresh);
        expect(after.members.find((r) => r.userId === left)?.memberSessionState).toBe(
          "MEMBER_TALKING",
        );
      } finally {
        await log.close();
      }
    });

    it.runIf(target === "postgres")(
      "a write waiting on the session's row lock re-checks event_seq when the holder commits",
      async () => {
        const s = await newSession(ctx);
        const [m, n] = [uid("m"), uid("n")];
        await inviteSession(ctx, inviteRequest(s, s.creator, [m]));
        // The decline runs on a client that stops before its COMMIT: it holds the session's row
        // lock, with m already DECLINE and event_seq advanced, until `commit` is called.
        let commit = () => {};
        const committing = new Promise<void>((resolve) => {
          commit = resolve;
        });
        let atCommit = () => {};
        const declineAtCommit = new Promise<void>((resolve) => {
          atCommit = resolve;
        });
        const decliner = createStatementLog(db.url, {
          beforeStatement: async (text) => {
            if (/^COMMIT/.test(text)) {
              atCommit();
              await committing;
            }
          },
        });
        let declined: Promise<unknown> = Promise.resolve();
        const log = interleaved(1, async () => {
          declined = declineCall(contextFor(decliner.prisma, appId), action(s, m));
          await declineAtCommit;
        });
        try {
          const invited = inviteSession(
            contextFor(log.prisma, appId),
            inviteRequest(s, s.creator, [m, n]),
          );
          // The invite's write is blocked on the row lock the decline holds…
          await vi.waitFor(
            async () => {
              const waiting = await prisma.$queryRaw<{ n: number }[]>`
                SELECT count(*)::int AS n FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event_type = 'Lock'
                  AND query LIKE '%WITH cas AS%'`;
              expect(waiting[0]?.n).toBe(1);
            },
            { timeout: 20_000, interval: 50 },
          );
          // …and, once the decline commits, sees event_seq moved: it reads and plans again.
          commit();
          await declined;
          const result = await invited;
          expect(result.members.map((r) => [r.userID, r.outcome])).toStrictEqual([
            [m, "rung_again"],
            [n, "added"],
          ]);
          expect(log.statements.map(statementKind)).toStrictEqual([
            "read",
            "write",
            "read",
            "write",
          ]);
          const snap = await sessionSnapshot(prisma, s.sessionID);
          expect(snap.events.slice(-3).map((e) => [e.type, e.subjectId])).toStrictEqual([
            ["member.declined", m],
            ["member.rung_again", m],
            ["member.invited", n],
          ]);
          expectGapFree(snap);
        } finally {
          commit();
          await log.close();
          await decliner.close();
        }
      },
    );
  });
});

/** What an invite's statement is, by its SQL (packages/db/src/repositories/members.ts, sessions.ts). */
function statementKind(text: string): string {
  const head = /^\s*(BEGIN|COMMIT|ROLLBACK)\b/.exec(text);
  if (head) return head[1] as string;
  if (text.includes("WITH cas AS")) return "write";
  if (text.includes("WITH locked AS")) return "lock";
  if (text.includes('LEFT JOIN "session" s')) return "read";
  return text;
}
