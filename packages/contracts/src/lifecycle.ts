import * as z from "zod";
import { COLLABORATION_STATES, MEMBER_SESSION_STATES, SESSION_STATES } from "./enums";
import { EmptyAny, successEnvelopeSchema } from "./envelope";
import { REASON_FIELDS } from "./reason";
import { IdField, message } from "./scalars";

// The call lifecycle around the invite: this project's documented extensions of the HiAR API
// (HiAR documents no answer, leave, kick or end endpoint). Each is a POST with the HiAR envelope
// and authentication; the success data is google.protobuf.Empty, as for the invite.

/**
 * POST /session/accept, /session/offline: the member `userID` of the session answers or went
 * offline (decline, busy and leave take MemberActionWithReasonRequest).
 */
export const MemberActionRequest = message({
  collaborationID: IdField,
  sessionID: IdField,
  /** The member whose state changes. */
  userID: IdField,
});
export type MemberActionRequest = z.output<typeof MemberActionRequest>;
export type MemberActionRequestInput = z.input<typeof MemberActionRequest>;

/**
 * POST /session/decline, /session/busy, /session/leave: as MemberActionRequest, with the optional
 * reason (reason.ts) recorded on the event.
 */
export const MemberActionWithReasonRequest = message({
  collaborationID: IdField,
  sessionID: IdField,
  /** The member whose state changes. */
  userID: IdField,
  ...REASON_FIELDS,
});
export type MemberActionWithReasonRequest = z.output<typeof MemberActionWithReasonRequest>;
export type MemberActionWithReasonRequestInput = z.input<typeof MemberActionWithReasonRequest>;

/** POST /session/kickout: member `userID` removes the talking member `memberID`. */
export const KickoutRequest = message({
  collaborationID: IdField,
  sessionID: IdField,
  /** Who kicks (must hold the right, see the domain's README). */
  userID: IdField,
  /** Who is kicked out. */
  memberID: IdField,
  ...REASON_FIELDS,
}).superRefine((req, ctx) => {
  if (req.memberID !== "" && req.memberID === req.userID) {
    ctx.addIssue({
      code: "custom",
      path: ["memberID"],
      message: "must not be the kicker (userID); a member leaves with /session/leave",
      input: req.memberID,
    });
  }
});
export type KickoutRequest = z.output<typeof KickoutRequest>;
export type KickoutRequestInput = z.input<typeof KickoutRequest>;

/** POST /session/end: the session's starter or the collaboration's creator ends the session. */
export const EndSessionRequest = message({
  collaborationID: IdField,
  sessionID: IdField,
  /** Who ends it. */
  userID: IdField,
  ...REASON_FIELDS,
});
export type EndSessionRequest = z.output<typeof EndSessionRequest>;
export type EndSessionRequestInput = z.input<typeof EndSessionRequest>;

/** The typed (tRPC) result of a member transition. */
export const MemberTransitionResult = z.object({
  userID: z.string(),
  fromState: z.enum(MEMBER_SESSION_STATES),
  memberSessionState: z.enum(MEMBER_SESSION_STATES),
  /** The session's state afterwards (an accept starts a scheduled session). */
  sessionState: z.enum(SESSION_STATES),
});
export type MemberTransitionResult = z.output<typeof MemberTransitionResult>;

/** The typed (tRPC) result of ending a session. */
export const EndSessionResult = z.object({
  /** Members that were CALLING or TALKING and are now MEMBER_LEFT, in the order they joined. */
  members: z.array(z.object({ userID: z.string(), fromState: z.enum(MEMBER_SESSION_STATES) })),
  sessionState: z.enum(SESSION_STATES),
  collaborationState: z.enum(COLLABORATION_STATES),
});
export type EndSessionResult = z.output<typeof EndSessionResult>;

/** The REST answer of every lifecycle operation: the envelope with google.protobuf.Empty. */
export const LifecycleResponse = successEnvelopeSchema(EmptyAny);
