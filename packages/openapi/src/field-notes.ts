import { LIMITS, MAX_CALLING_TIMEOUT_SECONDS } from "@collab/contracts";

const REASON_NOTE =
  "**Extension of this service**: optional short code saying why (e.g. busy, declined, " +
  'no_answer, other, or your own; not "session_ended"), stored in the event\'s payload when sent.';
const EXTRA_NOTE =
  "**Extension of this service**: optional free text or data (≤ 4096 characters), stored in " +
  "the event's payload when sent.";

// What a field means, where its schema alone cannot say (rules across fields, defaults with a
// meaning). Keyed by "Component.field"; a test fails when a key names no field of the document.

export const FIELD_NOTES: Readonly<Record<string, string>> = {
  "InviteSessionRequest.userID": "The inviter: a member of the session, not kicked out.",
  "InviteSessionRequest.members":
    `Members to ring: 1–${LIMITS.maxInviteMembers}, no userID twice, not the inviter. A member ` +
    "not yet in the session is added, one in a terminal state is rung again, one already " +
    "calling or talking is left as is. All or nothing.",
  "MemberInfo.memberSessionState":
    "MEMBER_CALLING (name or 1) or absent: a rung member is MEMBER_CALLING; any other state is " +
    "INVALID_PARAM.",
  "CreateCollaborationRequest.userID": "The creator; added to the session whether listed or not.",
  "CreateCollaborationRequest.members": `At most ${LIMITS.maxCreateMembers}, no userID twice; they join with MEMBER_UNSPECIFIED.`,
  "CreateCollaborationRequest.beginTime": "Unix seconds; 0 = unset.",
  "CreateCollaborationRequest.endTime": "Unix seconds; 0 = unset.",
  "RuleSettings.numberLimit":
    `Participant cap, ≥ 0; 0 = none of its own (the session limit of ` +
    `${LIMITS.maxSessionMembers} live members applies).`,
  "RuleSettings.confirmControl": "Invitees must confirm.",
  "RuleSettings.callingTimeout":
    "**Extension of this service, not part of HiAR's API** (HiAR clients never send it): " +
    `seconds a rung member may stay MEMBER_CALLING before it becomes MEMBER_TIMEOUT, 1–` +
    `${MAX_CALLING_TIMEOUT_SECONDS}; 0 or absent = the deployment's calling timeout ` +
    "(HIAR_CALLING_TIMEOUT_SECONDS, 60 s unless configured).",
  "RuleSettingsJson.callingTimeout":
    "**Extension of this service, not part of HiAR's API**: the collaboration's calling timeout " +
    "in seconds, present only when it was created with one, so a collaboration created without " +
    "it answers exactly as HiAR documents.",
  "RuleSettings.busyDetection":
    "**Extension of this service, not part of HiAR's API** (HiAR clients never send it): busy " +
    "detection. When on, an invitee who is MEMBER_TALKING in another live session of the app is " +
    "not rung: they become MEMBER_BUSY at once (a member.busy event, actor null, says where). " +
    "true or false overrides the deployment's default; absent = the default (HIAR_BUSY_DETECTION, " +
    "off unless configured).",
  "RuleSettingsJson.busyDetection":
    "**Extension of this service, not part of HiAR's API**: the collaboration's busy detection, " +
    "present only when it was created with the field.",
  "QueryByUserRequest.userID": "The member whose collaborations are listed.",
  "QueryByUserRequest.beginTime": "Unix seconds; 0 or absent = unbounded.",
  "QueryByUserRequest.endTime": "Unix seconds; 0 or absent = unbounded.",
  "QueryByUserRequest.limit": `Page size 1–${LIMITS.queryLimitMax}; 0 or absent = ${LIMITS.queryLimitDefault}.`,
  "QueryByUserRequest.offset": "Collaborations to skip, ≥ 0 (newest first).",
  "QueryByUserRequest.history": "Include ended collaborations.",
  "CollaborationInfo.members": "The session's members, keyed by userID.",
  "CollaborationInfo.userID": "The creator.",
  "CancelInviteRequest.userID":
    "Who cancels: a member of the session, not kicked out, that rang each listed member, or " +
    "(without ruleSettings.roleControl) the session's starter or the collaboration's creator, " +
    "or (with it) a member whose role is granted RIGHT_CANCEL or RIGHT_ALL.",
  "CancelInviteRequest.members":
    `userIDs whose ring stops: 1–${LIMITS.maxInviteMembers}, each once, not userID; each must ` +
    "still be MEMBER_CALLING and becomes MEMBER_LEFT (event member.cancelled). All or nothing.",
  "CancelInviteRequest.reason": REASON_NOTE,
  "CancelInviteRequest.extra": EXTRA_NOTE,
  "MemberActionWithReasonRequest.reason": REASON_NOTE,
  "MemberActionWithReasonRequest.extra": EXTRA_NOTE,
  "KickoutRequest.reason": REASON_NOTE,
  "KickoutRequest.extra": EXTRA_NOTE,
  "EndSessionRequest.reason": `${REASON_NOTE} Recorded on the session.ended event.`,
  "EndSessionRequest.extra": `${EXTRA_NOTE} Recorded on the session.ended event.`,
};
