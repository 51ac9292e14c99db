import {
  EndSessionRequest,
  KickoutRequest,
  MemberActionWithReasonRequest,
  SessionEventsRequest,
} from "@collab/contracts";
import type { Database } from "@collab/db";
import { createTestDatabase, type TestDatabase, testDatabaseTargets } from "@collab/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DomainContext } from "./context";
import { endSession } from "./end-session";
import { inviteSession } from "./invite-session";
import { listSessionEvents } from "./list-session-events";
import { acceptCall, declineCall, kickoutMember, leaveSession, reportBusy } from "./member-actions";
import { fetchSessionEvents } from "./session-events";
import {
  contextFor,
  inviteRequest,
  newApp,
  newSession,
  type SessionFixture,
  sessionSnapshot,
  uid,
} from "./test-support";

// Reasons (docs/state-machine.md, "Reasons"): the optional reason and extra of decline, busy,
// leave, kickout and end travel in the event's payload (and so in webhooks, /session/events and
// the console's timeline) when sent; a request without them appends exactly what it did before.

const ids = (s: SessionFixture) => ({ collaborationID: s.collaborationID, sessionID: s.sessionID });
const NOTE = { reason: "no_answer", extra: '{"ticket": 42} 漢字' } as const;

describe.each(testDatabaseTargets())("reasons on %s", (target) => {
  let db: TestDatabase;
  let prisma: Database;
  let ctx: DomainContext;

  beforeAll(async () => {
    db = await createTestDatabase({ target });
    prisma = db.prisma;
    ctx = contextFor(prisma, await newApp(prisma, "reason tests"), "trace-reasons", {
      callingTimeoutSeconds: 3600,
    });
  });
  afterAll(async () => {
    await db?.close();
  });

  /** The creator rang `ringing` and `talking` members; the talking ones answered. */
  async function session(ringing: number, talking: number) {
    const s = await newSession(ctx);
    const r = Array.from({ length: ringing }, () => uid("r"));
    const t = Array.from({ length: talking }, () => uid("t"));
    await inviteSession(ctx, inviteRequest(s, s.creator, [...r, ...t]));
    for (const u of t)
      await acceptCall(ctx, MemberActionWithReasonRequest.parse({ ...ids(s), userID: u }));
    return { s, r, t };
  }
  const lastEvent = async (s: SessionFixture) =>
    (await sessionSnapshot(prisma, s.sessionID)).events.at(-1);
  const action = (s: SessionFixture, userID: string, note: object = {}) =>
    MemberActionWithReasonRequest.parse({ ...ids(s), userID, ...note });

  const SELF = [
    ["decline", declineCall, "ringing", "member.declined"],
    ["busy", reportBusy, "ringing", "member.busy"],
    ["leave", leaveSession, "talking", "member.left"],
  ] as const;

  for (const [name, run, who, type] of SELF) {
    it(`${name}: the payload carries reason and extra when sent, nothing new otherwise`, async () => {
      const { s, r, t } = await session(2, 2);
      const [first, second] = (who === "ringing" ? r : t) as [string, string];
      await run(ctx, action(s, first, NOTE));
      expect(await lastEvent(s)).toMatchObject({
        type,
        subjectId: first,
        payload: { collaborationID: s.collaborationID, ...NOTE },
      });
      await run(ctx, action(s, second));
      expect((await lastEvent(s))?.payload).toStrictEqual({ collaborationID: s.collaborationID });
    });
  }

  it("kickout: the kicker's reason and extra", async () => {
    const { s, t } = await session(0, 2);
    const [a, b] = t as [string, string];
    const kick = (memberID: string, note: object = {}) =>
      kickoutMember(ctx, KickoutRequest.parse({ ...ids(s), userID: s.creator, memberID, ...note }));
    await kick(a, { reason: "disruptive" });
    expect(await lastEvent(s)).toMatchObject({
      type: "member.kicked_out",
      payload: { collaborationID: s.collaborationID, reason: "disruptive" },
    });
    expect((await lastEvent(s))?.payload).not.toHaveProperty("extra");
    await kick(b);
    expect((await lastEvent(s))?.payload).toStrictEqual({ collaborationID: s.collaborationID });
  });

  it("end: on session.ended; the member.left events keep the server's session_ended", async () => {
    const { s } = await session(1, 1);
    await endSession(ctx, EndSessionRequest.parse({ ...ids(s), userID: s.creator, ...NOTE }));
    const events = (await sessionSnapshot(prisma, s.sessionID)).events.slice(-3);
    expect(events.map((e) => [e.type, e.payload])).toStrictEqual([
      ["member.left", { collaborationID: s.collaborationID, reason: "session_ended" }],
      ["member.left", { collaborationID: s.collaborationID, reason: "session_ended" }],
      [
        "session.ended",
        {
          collaborationID: s.collaborationID,
          sessionState: "SESSION_END",
          collaborationState: "COLLABORATION_END",
          membersLeft: 2,
          ...NOTE,
        },
      ],
    ]);
    // Without a reason, exactly as before.
    const plain = await session(1, 0);
    await endSession(ctx, EndSessionRequest.parse({ ...ids(plain.s), userID: plain.s.creator }));
    expect((await lastEvent(plain.s))?.payload).toStrictEqual({
      collaborationID: plain.s.collaborationID,
      sessionState: "SESSION_END",
      collaborationState: "COLLABORATION_END",
      membersLeft: 1,
    });
  });

  it("/session/events (the webhook's shape) and the console's timeline show them", async () => {
    const { s, r } = await session(1, 0);
    await declineCall(ctx, action(s, r[0] as string, NOTE));
    const page = await fetchSessionEvents(ctx, SessionEventsRequest.parse({ ...ids(s) }));
    expect(page.events.at(-1)).toMatchObject({
      type: "member.declined",
      payload: { collaborationID: s.collaborationID, ...NOTE },
    });
    const timeline = await listSessionEvents(ctx, { sessionID: s.sessionID, limit: 10 });
    expect(timeline.events[0]).toMatchObject({ type: "member.declined", ...NOTE });
    // Events without a reason show none.
    expect(timeline.events[1]).toMatchObject({ type: "member.invited", reason: null, extra: null });
  });
});
