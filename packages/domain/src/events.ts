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
  /** The rung member answered (CALLING → TALKING). actor = the member. */
  memberAccepted: "member.accepted",
  /** The rung member declined (CALLING → DECLINE). actor = the member. */
  memberDeclined: "member.declined",
  /** The rung member was busy (CALLING → BUSY). actor = the member. */
  memberBusy: "member.busy",
  /** A client reported the member offline (CALLING | TALKING → OFFLINE). actor = the member. */
  memberOffline: "member.offline",
  /** The member left (TALKING → LEFT), or the session ended (CALLING | TALKING → LEFT). */
  memberLeft: "member.left",
  /** The member was kicked out (TALKING → KICKOUT). actor = the kicker. */
  memberKickedOut: "member.kicked_out",
  /** A ring was cancelled before it was answered (CALLING → LEFT). actor = who cancelled. */
  memberCancelled: "member.cancelled",
  /** The rung member did not answer in time (CALLING → TIMEOUT). actor null (the server). */
  memberTimedOut: "member.timeout",
  /** The first member answered a scheduled session (SESSION_SCHEDULE → SESSION_START). */
  sessionStarted: "session.started",
  /** The session ended (→ SESSION_END; its collaboration → COLLABORATION_END). */
  sessionEnded: "session.ended",
} as const);

export type EventType = (typeof EVENT_TYPES)[keyof typeof EVENT_TYPES];
