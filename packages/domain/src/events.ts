// The event types the use cases append to a session's event log (session_event.type).

export const EVENT_TYPES = Object.freeze({
  /** POST /create made the session. actor = creator, no states. */
  sessionCreated: "session.created",
  /** POST /create added a member (→ MEMBER_UNSPECIFIED). actor = creator. */
  memberAdded: "member.added",
  /** An invite added a member who was not in the session (→ MEMBER_CALLING). actor = inviter. */
  memberInvited: "member.invited",
  /** An invite rang a member again (terminal or UNSPECIFIED → MEMBER_CALLING). actor = inviter. */
  memberRungAgain: "member.rung_again",
} as const);

export type EventType = (typeof EVENT_TYPES)[keyof typeof EVENT_TYPES];
