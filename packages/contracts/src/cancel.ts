import * as z from "zod";
import { MEMBER_SESSION_STATES, SESSION_STATES } from "./enums";
import { LIMITS } from "./limits";
import { REASON_FIELDS } from "./reason";
import { Id, IdField, message, withZero } from "./scalars";

// POST /session/cancel: this project's extension (docs/hiar-api.md, "The call lifecycle"). The
// inviter (or whoever holds the right, docs/state-machine.md) stops members ringing before they
// answer: each listed member still MEMBER_CALLING becomes MEMBER_LEFT, event member.cancelled.

export const CancelInviteRequest = message({
  collaborationID: IdField,
  sessionID: IdField,
  /** Who cancels (the members' inviter, the starter, the creator, or a role with RIGHT_CANCEL). */
  userID: IdField,
  /** The userIDs to stop ringing, 1–100, each once, not `userID`. */
  members: withZero(
    z
      .array(Id, { error: "must be an array" })
      .min(1, { error: `must list 1–${LIMITS.maxInviteMembers} members` })
      .max(LIMITS.maxInviteMembers, { error: `must list 1–${LIMITS.maxInviteMembers} members` }),
    [],
  ),
  ...REASON_FIELDS,
}).superRefine((req, ctx) => {
  const first = new Map<string, number>();
  req.members.forEach((userID, i) => {
    if (userID === req.userID) {
      ctx.addIssue({
        code: "custom",
        path: ["members", i],
        message: "must not be the canceller (userID); a ringing member declines instead",
        input: userID,
      });
    }
    const seen = first.get(userID);
    if (seen === undefined) first.set(userID, i);
    else {
      ctx.addIssue({
        code: "custom",
        path: ["members", i],
        message: `duplicate userID: already listed at members[${seen}]`,
        input: userID,
      });
    }
  });
});
export type CancelInviteRequest = z.output<typeof CancelInviteRequest>;
export type CancelInviteRequestInput = z.input<typeof CancelInviteRequest>;

/** The typed (tRPC) result of a cancel: every listed member, in request order. */
export const CancelInviteResult = z.object({
  members: z.array(
    z.object({
      userID: z.string(),
      /** Always MEMBER_CALLING (a cancel changes ringing members only, or nothing). */
      fromState: z.enum(MEMBER_SESSION_STATES),
      /** MEMBER_LEFT. */
      memberSessionState: z.enum(MEMBER_SESSION_STATES),
    }),
  ),
  sessionState: z.enum(SESSION_STATES),
});
export type CancelInviteResult = z.output<typeof CancelInviteResult>;
