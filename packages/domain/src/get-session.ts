import {
  type GetSessionRequest,
  HiarError,
  isLiveMemberState,
  memberLimitFor,
  type SessionView,
} from "@collab/contracts";
import { findSessionDetail, listSessionMembers, type SessionDetailRow } from "@collab/db";
import type { DomainContext } from "./context";
import { isStoredId } from "./ids";

function sessionNotFound(): HiarError {
  return new HiarError("NOT_FOUND", "session not found", { field: "sessionID" });
}

/**
 * The app's session, or NOT_FOUND (field sessionID) exactly as if it did not exist when it is
 * another app's; an ID that cannot be stored is NOT_FOUND without a query. Used
 * by the reads below and the live stream to check the session before streaming it.
 */
export async function findSessionOrThrow(
  ctx: DomainContext,
  sessionID: string,
): Promise<SessionDetailRow> {
  if (!isStoredId(sessionID)) throw sessionNotFound();
  const session = await findSessionDetail(ctx.db, { appId: ctx.app.id, sessionId: sessionID });
  if (session === null) throw sessionNotFound();
  return session;
}

/**
 * The console's session page: the session, its collaboration, the limit that applies and its
 * members in the order they joined (state, roles, device type, who invited them and when).
 * No transaction (the page refreshes on every event anyway).
 */
export async function getSession(
  ctx: DomainContext,
  input: GetSessionRequest,
): Promise<SessionView> {
  const session = await findSessionOrThrow(ctx, input.sessionID);
  const members = await listSessionMembers(ctx.db, {
    appId: ctx.app.id,
    sessionIds: [session.id],
  });
  return {
    sessionID: session.id,
    collaborationID: session.collaborationId,
    state: session.state,
    starterID: session.starterId,
    createdAt: session.createdAt.toISOString(),
    collaboration: {
      state: session.collaboration.state,
      detail: session.collaboration.detail,
      creatorID: session.collaboration.creatorId,
      numberLimit: session.collaboration.numberLimit,
      createdAt: session.collaboration.createdAt.toISOString(),
    },
    memberLimit: memberLimitFor(session.collaboration.numberLimit),
    liveMembers: members.filter((m) => isLiveMemberState(m.memberSessionState)).length,
    members: members.map((m) => ({
      userID: m.userId,
      memberSessionState: m.memberSessionState,
      confirmState: m.confirmState,
      roles: [...m.roles],
      deviceType: m.deviceType,
      invitedBy: m.invitedBy,
      invitedAt: m.invitedAt?.toISOString() ?? null,
      joinedAt: m.createdAt.toISOString(),
    })),
    lastEventSeq: session.eventSeq,
  };
}
