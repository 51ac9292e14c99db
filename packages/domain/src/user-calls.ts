import type { CollabToolJson, UserCall, UserCalls } from "@collab/contracts";
import { findUserCalls, type UserCallRow } from "@collab/db";
import type { DomainContext } from "./context";

/** Current calls listed at most (a user rarely has more than a couple). */
export const MAX_CURRENT_CALLS = 50;
/** Missed rings listed at most, and how far back. */
export const MAX_MISSED_CALLS = 20;
export const MISSED_CALLS_WINDOW_MS = 7 * 24 * 3_600_000;

/** A stored member's tools, as protojson writes them (what the invite stored, else []). */
function toolsOf(value: unknown): CollabToolJson[] {
  return Array.isArray(value) ? (value as CollabToolJson[]) : [];
}

export function userCallView(row: UserCallRow): UserCall {
  return {
    collaborationID: row.collaborationId,
    sessionID: row.sessionId,
    sessionState: row.sessionState,
    detail: row.collaborationDetail,
    collaborationExtra: row.collaborationExtra,
    memberSessionState: row.memberSessionState,
    member: {
      medias: [...row.medias],
      tools: toolsOf(row.tools),
      roles: [...row.roles],
      deviceType: row.deviceType,
      extra: row.extra,
    },
    invitedBy: row.invitedBy,
    invitedAt: row.invitedAt?.getTime() ?? null,
    callingDeadline: row.callingDeadline?.getTime() ?? null,
    changedAt: row.updatedAt.getTime(),
    members: row.members.map((m) => ({
      userID: m.userId,
      memberSessionState: m.memberSessionState,
    })),
  };
}

/** The calls ringing for `userID` now (MEMBER_CALLING in a live session). One statement. */
export async function ringingCalls(ctx: DomainContext, userID: string): Promise<UserCall[]> {
  const rows = await findUserCalls(ctx.db, {
    appId: ctx.app.id,
    userId: userID,
    states: ["MEMBER_CALLING"],
    sessionStates: ["SESSION_SCHEDULE", "SESSION_START"],
    limit: MAX_CURRENT_CALLS,
  });
  return rows.map(userCallView);
}

/**
 * user.calls: the user's current calls (ringing or talking, in sessions not ended) and the rings
 * they missed in the last 7 days (rings that timed out, and have not been rung again since). Two
 * statements over the member index (app, user).
 */
export async function listUserCalls(
  ctx: DomainContext,
  userID: string,
  now: Date = new Date(),
): Promise<UserCalls> {
  const [current, missed] = await Promise.all([
    findUserCalls(ctx.db, {
      appId: ctx.app.id,
      userId: userID,
      states: ["MEMBER_CALLING", "MEMBER_TALKING"],
      sessionStates: ["SESSION_SCHEDULE", "SESSION_START"],
      limit: MAX_CURRENT_CALLS,
    }),
    findUserCalls(ctx.db, {
      appId: ctx.app.id,
      userId: userID,
      states: ["MEMBER_TIMEOUT"],
      sessionStates: ["SESSION_SCHEDULE", "SESSION_START", "SESSION_END"],
      since: new Date(now.getTime() - MISSED_CALLS_WINDOW_MS),
      limit: MAX_MISSED_CALLS,
    }),
  ]);
  return { current: current.map(userCallView), missed: missed.map(userCallView) };
}
