import { buildMemberInfo, type InviteSessionRequest } from "@collab/contracts";
import type { MemberWrite, NewSessionEvent } from "@collab/db";
import { EVENT_TYPES } from "./events";
import type { InviteChange } from "./invite-plan";

// What the invite writes for one planned change: the member row and its event. Shared by
// inviteSession and the benchmark's baseline (apps/bench), so both write the same rows.

/** The member row of a change: its fields as sent, in the state the plan gave it. */
export function inviteMemberWrite(change: InviteChange): MemberWrite {
  const m = change.member;
  return {
    userId: m.userID,
    confirmState: m.confirmState,
    memberSessionState: m.memberSessionState,
    medias: m.medias,
    tools: m.tools,
    roles: m.roles,
    deviceType: m.deviceType,
    seqId: m.seqID,
    extra: m.extra,
  };
}

/**
 * The event of a change (docs/state-machine.md, "Events"): `member.invited` or
 * `member.rung_again` (actor = the inviter), or, for an invitee busy detection found talking
 * elsewhere, `member.busy` with actor null (the server decided) and a payload saying why
 * (`reason: "busy"`, `detectedBy: "server"`) and where (`talkingIn`: the other collaboration and
 * session), plus who invited them.
 */
export function inviteEvent(
  change: InviteChange,
  input: Pick<InviteSessionRequest, "collaborationID" | "userID">,
  traceId: string,
): NewSessionEvent {
  const common = {
    subjectId: change.member.userID,
    fromState: change.fromState,
    toState: change.member.memberSessionState,
    traceId,
  };
  if (change.outcome === "busy") {
    return {
      ...common,
      type: EVENT_TYPES.memberBusy,
      actorId: null,
      payload: {
        collaborationID: input.collaborationID,
        outcome: change.outcome,
        reason: "busy",
        detectedBy: "server",
        invitedBy: input.userID,
        talkingIn: change.busyIn ?? null,
        member: buildMemberInfo(change.member),
      },
    };
  }
  return {
    ...common,
    type: change.outcome === "added" ? EVENT_TYPES.memberInvited : EVENT_TYPES.memberRungAgain,
    actorId: input.userID,
    payload: {
      collaborationID: input.collaborationID,
      outcome: change.outcome,
      member: buildMemberInfo(change.member),
    },
  };
}
