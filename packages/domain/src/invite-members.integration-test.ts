import {
  HiarError,
  InviteSessionResult,
  type MemberSessionStateName,
  TERMINAL_MEMBER_STATES,
} from "@collab/contracts";
import {
  createStatementLog,
  createTestDatabase,
  type Database,
  newId,
  type TestDatabase,
  testDatabaseTargets,
} from "@collab/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DomainContext } from "./context";
import { inviteMembers } from "./invite-members";
import {
  contextFor,
  inviteRequest,
  liveCount,
  newApp,
  newSession,
  reasonOf,
  sessionSnapshot,
  setStates,
  uid,
} from "./test-support";

describe.each(testDatabaseTargets())("inviteMembers on %s", (target) => {
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
      const result = await inviteMembers(
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
      const result = await inviteMembers(
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
      const result = await inviteMembers(
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
      const first = await inviteMembers(ctx, inviteRequest(s, s.creator, [fresh]));
      const mid = await sessionSnapshot(prisma, s.sessionID);
      const second = await inviteMembers(ctx, inviteRequest(s, s.creator, [fresh, calling]));
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
      const result = await inviteMembers(ctx, inviteRequest(s, s.creator, [left, talking, fresh]));
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
          inviteMembers(
            ctx,
            inviteRequest({ ...s, collaborationID: unknown }, s.creator, [invitee]),
          ),
        "NOT_FOUND",
        [s.sessionID],
      );
      expect(e1.field).toBe("collaborationID");
      const e2 = await expectRefused(
        () => inviteMembers(ctx, inviteRequest({ ...s, sessionID: unknown }, s.creator, [invitee])),
        "NOT_FOUND",
        [s.sessionID],
      );
      expect(e2.field).toBe("sessionID");
      const malformed = (id: string) => [`${id} `, ` ${id}`, id.toUpperCase(), "x", id.slice(1)];
      for (const bad of malformed(s.sessionID)) {
        await expectRefused(
          () => inviteMembers(ctx, inviteRequest({ ...s, sessionID: bad }, s.creator, [invitee])),
          "NOT_FOUND",
          [s.sessionID],
        );
      }
      for (const bad of malformed(s.collaborationID)) {
        await expectRefused(
          () =>
            inviteMembers(ctx, inviteRequest({ ...s, collaborationID: bad }, s.creator, [invitee])),
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
          inviteMembers(
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
        () => inviteMembers(ctx, inviteRequest(theirs, inviter, [invitee])),
        "NOT_FOUND",
        [theirs.sessionID, ours.sessionID],
      );
      const absent = await expectRefused(
        () =>
          inviteMembers(
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
          inviteMembers(
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
          inviteMembers(
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
      const ok = await inviteMembers(otherCtx, inviteRequest(theirs, inviter, [invitee]));
      expect(ok.members[0]?.outcome).toBe("added");
    });

    it("INVALID_STATE: the session or the collaboration has ended", async () => {
      const s1 = await newSession(ctx);
      await prisma.session.update({ where: { id: s1.sessionID }, data: { state: "SESSION_END" } });
      await expectRefused(
        () => inviteMembers(ctx, inviteRequest(s1, s1.creator, [uid()])),
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
        () => inviteMembers(ctx, inviteRequest(s2, s2.creator, [uid()])),
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
        (await inviteMembers(ctx, inviteRequest(s3, s3.creator, [uid()]))).members,
      ).toHaveLength(1);
    });

    it("PERMISSION_DENIED: inviter not a member, or kicked out", async () => {
      const member = uid("member");
      const s = await newSession(ctx, { members: [member] });
      const outsider = uid("outsider");
      const e1 = await expectRefused(
        () => inviteMembers(ctx, inviteRequest(s, outsider, [uid()])),
        "PERMISSION_DENIED",
        [s.sessionID],
        /not a member/,
      );
      expect(e1.field).toBe("userID");
      // A member of ANOTHER session of the app is not a member of this one.
      const elsewhere = await newSession(ctx, { creator: outsider });
      expect(elsewhere.creator).toBe(outsider);
      await expectRefused(
        () => inviteMembers(ctx, inviteRequest(s, outsider, [uid()])),
        "PERMISSION_DENIED",
        [s.sessionID],
      );
      await setStates(prisma, s.sessionID, { [member]: "MEMBER_KICKOUT" });
      await expectRefused(
        () => inviteMembers(ctx, inviteRequest(s, member, [uid()])),
        "PERMISSION_DENIED",
        [s.sessionID],
        /kicked out/,
      );
      // Even when every invitee would be unchanged.
      await setStates(prisma, s.sessionID, { [s.creator]: "MEMBER_TALKING" });
      await expectRefused(
        () => inviteMembers(ctx, inviteRequest(s, member, [s.creator])),
        "PERMISSION_DENIED",
        [s.sessionID],
      );
    });

    it("any other inviter state may invite (product.md: only KICKOUT is refused)", async () => {
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
        const result = await inviteMembers(ctx, inviteRequest(s, s.creator, [uid(state)]));
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
          () => inviteMembers(ctx, { ...base, members: [...members] }),
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
      await inviteMembers(ctx, inviteRequest(s, s.creator, [a, b]));
      expect(await liveCount(prisma, s.sessionID)).toBe(2);

      const before = await sessionSnapshot(prisma, s.sessionID);
      const error = (await inviteMembers(ctx, inviteRequest(s, s.creator, [c, d])).catch(
        (e: unknown) => e,
      )) as HiarError;
      expect(error).toBeInstanceOf(HiarError);
      expect(error.reason).toBe("MEMBER_LIMIT_EXCEEDED");
      expect(error.message).toMatch(/4 .* limit is 3/);
      expect(await sessionSnapshot(prisma, s.sessionID)).toStrictEqual(before);

      // Unchanged (already live) invitees do not count twice.
      const ok = await inviteMembers(ctx, inviteRequest(s, s.creator, [a, b, c]));
      expect(ok.members.map((m) => m.outcome)).toStrictEqual(["unchanged", "unchanged", "added"]);
      expect(await liveCount(prisma, s.sessionID)).toBe(3);
      // Full: an invite that changes nothing still passes; one that rings someone fails.
      expect((await inviteMembers(ctx, inviteRequest(s, s.creator, [a]))).members[0]?.outcome).toBe(
        "unchanged",
      );
      expect(await reasonOf(inviteMembers(ctx, inviteRequest(s, s.creator, [d])))).toBe(
        "MEMBER_LIMIT_EXCEEDED",
      );
      // A member leaving frees a place; ringing them again takes it back.
      await setStates(prisma, s.sessionID, { [a]: "MEMBER_LEFT" });
      expect(await reasonOf(inviteMembers(ctx, inviteRequest(s, s.creator, [a, d])))).toBe(
        "MEMBER_LIMIT_EXCEEDED",
      );
      const rung = await inviteMembers(ctx, inviteRequest(s, s.creator, [a]));
      expect(rung.members[0]?.outcome).toBe("rung_again");
      expect(await liveCount(prisma, s.sessionID)).toBe(3);
      // TALKING counts like CALLING.
      await setStates(prisma, s.sessionID, { [a]: "MEMBER_TALKING", [b]: "MEMBER_TALKING" });
      expect(await reasonOf(inviteMembers(ctx, inviteRequest(s, s.creator, [d])))).toBe(
        "MEMBER_LIMIT_EXCEEDED",
      );
    });

    it("numberLimit 1: the limit counts the live inviter too", async () => {
      const s = await newSession(ctx, { numberLimit: 1 });
      await setStates(prisma, s.sessionID, { [s.creator]: "MEMBER_TALKING" });
      expect(await reasonOf(inviteMembers(ctx, inviteRequest(s, s.creator, [uid()])))).toBe(
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
        expect(await reasonOf(inviteMembers(ctx, inviteRequest(s, s.creator, [x, y, z])))).toBe(
          "MEMBER_LIMIT_EXCEEDED",
        );
        expect(await sessionSnapshot(prisma, s.sessionID)).toStrictEqual(before);
        await inviteMembers(ctx, inviteRequest(s, s.creator, [x, y]));
        expect(await liveCount(prisma, s.sessionID)).toBe(500);
        expect(await reasonOf(inviteMembers(ctx, inviteRequest(s, s.creator, [z])))).toBe(
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
    await expect(inviteMembers(ctx, inviteRequest(s, s.creator, [left, fresh]))).rejects.toThrow();
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
          invitees.map((id) => inviteMembers(pctx, inviteRequest(s, s.creator, [id]))),
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
          invites.map((m) => inviteMembers(pctx, inviteRequest(s, s.creator, m))),
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

    it("10 concurrent invites of the same member: added once, unchanged 9 times", async () => {
      const s = await newSession(ctx);
      const { client, close } = await parallelClient();
      try {
        const pctx = contextFor(client, appId);
        const who = uid("same");
        const before = await sessionSnapshot(prisma, s.sessionID);
        const results = await Promise.all(
          Array.from({ length: 10 }, () => inviteMembers(pctx, inviteRequest(s, s.creator, [who]))),
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

  it("costs the same number of SQL statements for 1 and for 50 invitees", async () => {
    const log = createStatementLog(db.url);
    try {
      const lctx = contextFor(log.prisma, appId);
      const s = await newSession(ctx);
      await log.prisma.$queryRaw`SELECT 1`; // connect outside the measurement
      const count = async (members: string[]) => {
        log.clear();
        await inviteMembers(lctx, inviteRequest(s, s.creator, members));
        return [...log.statements];
      };
      const one = await count([uid()]);
      const fifty = await count(Array.from({ length: 50 }, () => uid()));
      expect(fifty.length).toBe(one.length);
      // BEGIN, lock, read, upsert (with every rung member's calling deadline), events, COMMIT.
      expect(one).toHaveLength(6);
      expect(one[3]).toContain("calling_deadline");
      expect(one[0]).toMatch(/^BEGIN/);
      expect(one.at(-1)).toMatch(/^COMMIT/);

      // Rung again (50 in terminal states) costs the same; a no-op invite writes nothing.
      await prisma.sessionMember.updateMany({
        where: { sessionId: s.sessionID, userId: { not: s.creator } },
        data: { memberSessionState: "MEMBER_TIMEOUT" },
      });
      const others = await prisma.sessionMember.findMany({
        where: { sessionId: s.sessionID, userId: { not: s.creator } },
        orderBy: { userId: "asc" },
      });
      const rungIds = others.map((m) => m.userId).slice(0, 50);
      const rung = await count(rungIds);
      expect(rung).toHaveLength(6);
      const noop = await count(rungIds);
      expect(noop).toHaveLength(4);
      // A refused invite: lock, read, rollback.
      log.clear();
      await expect(
        inviteMembers(lctx, inviteRequest(s, uid("outsider"), [uid()])),
      ).rejects.toBeInstanceOf(HiarError);
      expect(log.statements).toHaveLength(4);
      expect(log.statements.at(-1)).toMatch(/^ROLLBACK/);
      // NOT_FOUND after the lock: lock, rollback. A malformed ID: nothing at all.
      log.clear();
      await expect(
        inviteMembers(lctx, inviteRequest({ ...s, sessionID: newId() }, s.creator, [uid()])),
      ).rejects.toBeInstanceOf(HiarError);
      expect(log.statements).toHaveLength(3);
      log.clear();
      await expect(
        inviteMembers(lctx, inviteRequest({ ...s, sessionID: "nope" }, s.creator, [uid()])),
      ).rejects.toBeInstanceOf(HiarError);
      expect(log.statements).toHaveLength(0);
    } finally {
      await log.close();
    }
  });
});
