// Fixtures shared by the integration tests (not part of the package's API).
import {
  CreateCollaborationRequest,
  type CreateCollaborationRequestInput,
  InviteSessionRequest,
  type InviteSessionRequestInput,
  type MemberInfoInput,
  type MemberSessionStateName,
} from "@collab/contracts";
import { createApp, type Database } from "@collab/db";
import type { DomainContext, DomainSettings } from "./context";
import { createCollaboration } from "./create-collaboration";

let counter = 0;

/** A userID no other test uses. */
export function uid(prefix = "u"): string {
  counter += 1;
  return `${prefix}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

export async function newApp(db: Database, name = "test app"): Promise<string> {
  return (await createApp(db, { name })).id;
}

/** The deployment settings of the tests' contexts: the production defaults. */
export const TEST_SETTINGS: DomainSettings = Object.freeze({
  callingTimeoutSeconds: 60,
  webhooksAllowPrivateNetworks: false,
});

export function contextFor(
  db: Database,
  appId: string,
  traceId = uid("trace"),
  settings: Partial<DomainSettings> = {},
): DomainContext {
  return {
    app: { id: appId },
    db,
    trace: { id: traceId },
    settings: { ...TEST_SETTINGS, ...settings },
  };
}

export interface SessionFixture {
  readonly collaborationID: string;
  readonly sessionID: string;
  readonly creator: string;
}

/** A collaboration and its session made by createCollaboration, as the contract parses it. */
export async function newSession(
  ctx: DomainContext,
  options: {
    creator?: string;
    members?: string[];
    numberLimit?: number;
    request?: Partial<CreateCollaborationRequestInput>;
  } = {},
): Promise<SessionFixture> {
  const creator = options.creator ?? uid("creator");
  const request = CreateCollaborationRequest.parse({
    userID: creator,
    members: (options.members ?? []).map((userID) => ({ userID })),
    ruleSettings: { numberLimit: options.numberLimit ?? 0 },
    ...options.request,
  });
  const { collaborationID, sessionID } = await createCollaboration(ctx, request);
  return { collaborationID, sessionID, creator };
}

/** An invite as the contract parses it; members given as userIDs or wire member objects. */
export function inviteRequest(
  session: { collaborationID: string; sessionID: string },
  inviter: string,
  members: readonly (string | MemberInfoInput)[],
  extra: Partial<InviteSessionRequestInput> = {},
): InviteSessionRequest {
  return InviteSessionRequest.parse({
    collaborationID: session.collaborationID,
    sessionID: session.sessionID,
    userID: inviter,
    members: members.map((m) => (typeof m === "string" ? { userID: m } : m)),
    ...extra,
  });
}

/**
 * Sets members' states directly (the transitions other use cases make); like them, a state other
 * than MEMBER_CALLING has no calling deadline.
 */
export async function setStates(
  db: Database,
  sessionID: string,
  states: Record<string, MemberSessionStateName>,
): Promise<void> {
  for (const [userId, memberSessionState] of Object.entries(states)) {
    await db.sessionMember.update({
      where: { sessionId_userId: { sessionId: sessionID, userId } },
      data: {
        memberSessionState,
        ...(memberSessionState === "MEMBER_CALLING" ? {} : { callingDeadline: null }),
      },
    });
  }
}

/** Moves the given members' calling deadlines into the past: due for the next sweep. */
export async function makeDue(db: Database, sessionID: string, userIds: readonly string[]) {
  await db.$executeRaw`
    UPDATE "session_member" SET "calling_deadline" = now() - interval '1 second'
    WHERE "session_id" = ${sessionID} AND "user_id" = ANY(${userIds}::text[])
      AND "member_session_state" = 'MEMBER_CALLING'`;
}

/** Everything an invite may change in a session, for before/after comparisons. */
export async function sessionSnapshot(db: Database, sessionID: string) {
  const [session, members, events] = await Promise.all([
    db.session.findUniqueOrThrow({ where: { id: sessionID } }),
    db.sessionMember.findMany({ where: { sessionId: sessionID }, orderBy: { userId: "asc" } }),
    db.sessionEvent.findMany({ where: { sessionId: sessionID }, orderBy: { seq: "asc" } }),
  ]);
  return { session, members, events };
}

export async function liveCount(db: Database, sessionID: string): Promise<number> {
  return db.sessionMember.count({
    where: {
      sessionId: sessionID,
      memberSessionState: { in: ["MEMBER_CALLING", "MEMBER_TALKING"] },
    },
  });
}

/** Resolves to the HiarError reason a promise rejects with (fails the test if it resolves). */
export async function reasonOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as { reason?: string }).reason ?? `not a HiarError: ${String(error)}`;
  }
  throw new Error("expected the call to fail, but it succeeded");
}
