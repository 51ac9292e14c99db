import * as z from "zod";
import { MEMBER_SESSION_STATES, SESSION_STATES } from "./enums";
import { CollabToolJson } from "./responses";
import { IdField, message, StorableString } from "./scalars";

// The user channel (docs/user-channel.md): the tRPC procedures a user's device calls with its
// user token (`user.*`), and the events its live subscription streams. Every time is unix
// milliseconds (a JSON number), every state its HiAR name.

const memberState = z.enum(MEMBER_SESSION_STATES);
const sessionState = z.enum(SESSION_STATES);
const int32s = z.array(z.int32());
/** Unix milliseconds. */
const millis = z.number().int();

/**
 * user.accept, user.decline, user.busy, user.leave: the call; the member is the token's user.
 * decline, busy and leave also take the optional reason (UserCallWithReasonRequest, reason.ts).
 */
export const UserCallRequest = message({
  collaborationID: IdField,
  sessionID: IdField,
});
export type UserCallRequest = z.output<typeof UserCallRequest>;
export type UserCallRequestInput = z.input<typeof UserCallRequest>;

/** The fields an invite sent for the member (what the device shows and uses to answer). */
export const UserCallMember = z.object({
  medias: int32s,
  tools: z.array(CollabToolJson),
  roles: int32s,
  deviceType: z.int32(),
  extra: z.string(),
});
export type UserCallMember = z.output<typeof UserCallMember>;

/** One call of the user: a session they are a member of, with everyone's state. */
export const UserCall = z.object({
  collaborationID: z.string(),
  sessionID: z.string(),
  sessionState,
  /** The collaboration's `detail` and `extra`, as created. */
  detail: z.string(),
  collaborationExtra: z.string(),
  /** The user's own state in the session. */
  memberSessionState: memberState,
  member: UserCallMember,
  /** Who rang the user last (null if never rung). */
  invitedBy: z.string().nullable(),
  invitedAt: millis.nullable(),
  /** While ringing: when the ring times out. */
  callingDeadline: millis.nullable(),
  /** When the user's state last changed (for a missed call: when the ring timed out). */
  changedAt: millis,
  /** Every member of the session, the user included, in the order they joined. */
  members: z.array(z.object({ userID: z.string(), memberSessionState: memberState })),
});
export type UserCall = z.output<typeof UserCall>;

/** user.calls: what rings or talks now, and the rings missed recently. */
export const UserCalls = z.object({
  /** MEMBER_CALLING and MEMBER_TALKING in live sessions, most recent first (at most 50). */
  current: z.array(UserCall),
  /** Rings that timed out (still the user's last state there) in the last 7 days, at most 20. */
  missed: z.array(UserCall),
});
export type UserCalls = z.output<typeof UserCalls>;

/** The result of the user's own transition (accept, decline, busy, leave). */
export const UserTransitionResult = z.object({
  collaborationID: z.string(),
  sessionID: z.string(),
  fromState: memberState,
  memberSessionState: memberState,
  sessionState,
  /** The token's device, also recorded on the event (null: the token names none). */
  deviceID: z.string().nullable(),
});
export type UserTransitionResult = z.output<typeof UserTransitionResult>;

// --- The live subscription (user.onEvent) ---------------------------------------------------

/** user.onEvent's input: tRPC sets lastEventId on a reconnect (the last tracked id received). */
export const UserEventsSubscriptionRequest = z
  .object({ lastEventId: StorableString.max(100).nullish() })
  .optional();
export type UserEventsSubscriptionRequest = z.output<typeof UserEventsSubscriptionRequest>;

const where = {
  collaborationID: z.string(),
  sessionID: z.string(),
  /** The session's event seq (0 for a ring sent on connect). */
  seq: z.number().int(),
  /** When the event happened (unix ms). */
  at: millis,
};

/**
 * The reason and extra the request that caused the event sent (decline, busy, leave, cancel,
 * kickout, end; docs/state-machine.md, "Reasons"), present only when it sent them.
 */
const appReason = {
  reasonCode: z.string().optional(),
  reasonExtra: z.string().optional(),
};

/**
 * The user is rung: a new ring (`member.invited`), a ring again (`member.rung_again`), or, sent
 * first on (re)connect, a ring still in progress (`ringing`). The same ring sent twice has the
 * same sessionID and invitedAt.
 */
export const UserRingEvent = z.object({
  kind: z.literal("ring"),
  ...where,
  reason: z.enum(["invited", "rung_again", "ringing"]),
  /** Who rang. */
  invitedBy: z.string().nullable(),
  invitedAt: millis,
  /** When the ring times out (null when unknown, e.g. read after the ring already ended). */
  callingDeadline: millis.nullable(),
  detail: z.string(),
  member: UserCallMember,
  members: z.array(z.object({ userID: z.string(), memberSessionState: memberState })).nullable(),
});
export type UserRingEvent = z.output<typeof UserRingEvent>;

/**
 * The user's ring ended: answered or refused (by which device: compare deviceID with your own to
 * show "answered on another device"), timed out, or the session ended.
 */
export const UserRingEndedEvent = z.object({
  kind: z.literal("ring_ended"),
  ...where,
  reason: z.enum([
    "accepted",
    "declined",
    "busy",
    "offline",
    "timed_out",
    "session_ended",
    "cancelled",
  ]),
  memberSessionState: memberState,
  /** Who acted (the user, or the one who ended the session); null: the server (timeout). */
  actorID: z.string().nullable(),
  /** The device whose user procedure acted; null when none (REST, another service, timeout). */
  deviceID: z.string().nullable(),
  ...appReason,
});
export type UserRingEndedEvent = z.output<typeof UserRingEndedEvent>;

/**
 * A member's state changed in a session the user is in: another member (joined, left, …) or the
 * user outside a ring (e.g. left, kicked out, reported offline).
 */
export const UserMemberStateEvent = z.object({
  kind: z.literal("member_state"),
  ...where,
  userID: z.string(),
  /** The user themselves (on another device, or by the app's server). */
  self: z.boolean(),
  type: z.string(),
  fromState: memberState.nullable(),
  memberSessionState: memberState,
  actorID: z.string().nullable(),
  deviceID: z.string().nullable(),
  ...appReason,
});
export type UserMemberStateEvent = z.output<typeof UserMemberStateEvent>;

/** A session the user is in started (first answer) or ended. */
export const UserSessionStateEvent = z.object({
  kind: z.literal("session_state"),
  ...where,
  sessionState,
  actorID: z.string().nullable(),
  ...appReason,
});
export type UserSessionStateEvent = z.output<typeof UserSessionStateEvent>;

/**
 * The resume point was too old to replay (or unknown): what follows is the current state again
 * (every ring still in progress), as on a first connect; clear what you show first.
 */
export const UserResyncEvent = z.object({ kind: z.literal("resync"), at: millis });
export type UserResyncEvent = z.output<typeof UserResyncEvent>;

export const UserChannelEvent = z.discriminatedUnion("kind", [
  UserRingEvent,
  UserRingEndedEvent,
  UserMemberStateEvent,
  UserSessionStateEvent,
  UserResyncEvent,
]);
export type UserChannelEvent = z.output<typeof UserChannelEvent>;
