import {
  canTransition,
  HiarError,
  type MemberSessionStateName,
  type MemberTransitionResult,
  type ReasonInput,
  reasonPayload,
  type SessionStateName,
} from "@collab/contracts";
import {
  appendSessionEvents,
  type LockedMemberRow,
  lockSession,
  type NewSessionEvent,
  updateMemberState,
} from "@collab/db";
import type { DomainContext } from "./context";
import { EVENT_TYPES, type EventType } from "./events";
import { isStoredId } from "./ids";
import { holdsKickRight, memberNotFound, refusedTransition } from "./lifecycle-rules";
import { assertSessionTarget, collaborationNotFound, sessionNotFound } from "./targets";
import { TRANSACTION_OPTIONS } from "./transaction";

// The one transaction every member transition requested by a client runs (accept, decline, busy,
// offline, leave, kickout): lock the session + read its collaboration and the members concerned ·
// move the member (conditional UPDATE, plus the session's start on an accept) · advance event_seq
// + append the events (statement counts: packages/domain/README.md, "Statements per use case"). A refusal
// rolls back and changes nothing. Concurrent transitions of one session queue on the session's row lock (taken
// first, as the invite does, so the two never deadlock), and the UPDATE only moves a member that
// is still in the state read: of two concurrent transitions of one member exactly one wins; the
// other then reads the new state and is refused with INVALID_STATE.

/** Where a member's own transition came from, recorded on its event (the user channel shows it). */
export interface TransitionOrigin {
  /** The device whose user procedure asked (its user token's device id). */
  readonly deviceID?: string;
}

export interface MemberTransitionSpec {
  readonly collaborationID: string;
  readonly sessionID: string;
  /** The member whose state changes, and the request field naming it. */
  readonly subjectID: string;
  readonly subjectField: "userID" | "memberID";
  /** Who asks; the subject itself except for a kickout. */
  readonly actorID: string;
  /** A kickout: the actor must hold the kick right (lifecycle-rules.ts). */
  readonly requireKickRight?: boolean;
  readonly to: MemberSessionStateName;
  readonly eventType: EventType;
  /** Recorded in the event's payload as `deviceID` when set. */
  readonly deviceID?: string;
  /** The request's reason and extra: recorded in the event's payload when sent (reason.ts). */
  readonly reason?: ReasonInput;
}

function kickerMayKick(
  actor: LockedMemberRow | undefined,
  actorID: string,
  target: { starterId: string; creatorId: string; ruleSettings: unknown },
): void {
  if (actor === undefined) {
    throw new HiarError("PERMISSION_DENIED", `${actorID} is not a member of this session`, {
      field: "userID",
    });
  }
  if (actor.memberSessionState === "MEMBER_KICKOUT") {
    throw new HiarError("PERMISSION_DENIED", `${actorID} was kicked out of this session`, {
      field: "userID",
    });
  }
  const allowed = holdsKickRight({
    userID: actorID,
    roles: actor.roles,
    ruleSettings: target.ruleSettings,
    starterID: target.starterId,
    creatorID: target.creatorId,
  });
  if (!allowed) {
    throw new HiarError("PERMISSION_DENIED", `${actorID} may not kick members out`, {
      field: "userID",
    });
  }
}

export async function transitionMember(
  ctx: DomainContext,
  spec: MemberTransitionSpec,
): Promise<MemberTransitionResult> {
  const appId = ctx.app.id;
  const ids = { collaborationID: spec.collaborationID, sessionID: spec.sessionID };
  if (!isStoredId(spec.collaborationID)) throw collaborationNotFound(ids);
  if (!isStoredId(spec.sessionID)) throw sessionNotFound(ids);

  return ctx.db.$transaction(async (tx) => {
    const target = await lockSession(tx, {
      appId,
      sessionId: spec.sessionID,
      collaborationId: spec.collaborationID,
      userIds: spec.actorID === spec.subjectID ? [spec.subjectID] : [spec.subjectID, spec.actorID],
    });
    assertSessionTarget(target, ids);
    const members = new Map(target.members.map((m) => [m.userId, m]));
    if (spec.requireKickRight) {
      kickerMayKick(members.get(spec.actorID), spec.actorID, {
        starterId: target.session.starterId,
        creatorId: target.collaboration.creatorId,
        ruleSettings: target.collaboration.ruleSettings,
      });
    }
    const subject = members.get(spec.subjectID);
    if (subject === undefined) throw memberNotFound(spec.subjectID, spec.subjectField);
    const from = subject.memberSessionState;
    if (!canTransition(from, spec.to)) {
      throw refusedTransition(spec.subjectID, from, spec.to, spec.subjectField);
    }

    const startSession = spec.to === "MEMBER_TALKING";
    const { moved, sessionStarted } = await updateMemberState(tx, {
      appId,
      sessionId: spec.sessionID,
      userId: spec.subjectID,
      from,
      to: spec.to,
      startSession,
    });
    // Unreachable while every writer takes the session lock first; refuse rather than guess.
    if (!moved) throw refusedTransition(spec.subjectID, from, spec.to, spec.subjectField);

    const payload = { collaborationID: spec.collaborationID };
    const memberPayload = {
      ...payload,
      ...(spec.deviceID === undefined ? {} : { deviceID: spec.deviceID }),
      ...reasonPayload(spec.reason ?? {}),
    };
    const events: NewSessionEvent[] = [
      {
        type: spec.eventType,
        actorId: spec.actorID,
        subjectId: spec.subjectID,
        fromState: from,
        toState: spec.to,
        traceId: ctx.trace.id,
        payload: memberPayload,
      },
    ];
    if (sessionStarted) {
      events.push({
        type: EVENT_TYPES.sessionStarted,
        actorId: spec.actorID,
        subjectId: null,
        fromState: null,
        toState: null,
        traceId: ctx.trace.id,
        payload: { ...payload, sessionState: "SESSION_START" },
      });
    }
    await appendSessionEvents(tx, { appId, sessionId: spec.sessionID, events });
    const sessionState: SessionStateName = sessionStarted ? "SESSION_START" : target.session.state;
    return { userID: spec.subjectID, fromState: from, memberSessionState: spec.to, sessionState };
  }, TRANSACTION_OPTIONS);
}
