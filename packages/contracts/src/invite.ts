import * as z from "zod";
import { reportDuplicateUserIDs } from "./duplicates";
import { MEMBER_SESSION_STATES, type MemberSessionStateName } from "./enums";
import { LIMITS } from "./limits";
import { MemberInfo } from "./member";
import { CallingTimeoutSeconds } from "./rule-settings";
import { IdField, message, withZero } from "./scalars";

// POST /session/invite (会话中邀请): the seed body and the typed procedure's per-invitee result.

/** States an invitee may be sent with: a rung member is CALLING; omitting the state means the same. */
const INVITABLE_STATES: readonly MemberSessionStateName[] = [
  "MEMBER_CALLING",
  "MEMBER_UNSPECIFIED",
];

export const InviteSessionRequest = message({
  collaborationID: IdField,
  sessionID: IdField,
  /** The inviter. */
  userID: IdField,
  members: withZero(
    z
      .array(MemberInfo, { error: "must be an array" })
      .min(1, { error: `must list 1–${LIMITS.maxInviteMembers} members` })
      .max(LIMITS.maxInviteMembers, { error: `must list 1–${LIMITS.maxInviteMembers} members` }),
    [],
  ),
  /**
   * Extension: seconds the members this request rings may stay MEMBER_CALLING, 1…86400; it
   * overrides the collaboration's and the deployment's timeout for them. 0 or absent: not set.
   */
  callingTimeout: withZero(CallingTimeoutSeconds, 0),
})
  .superRefine((req, ctx) => {
    req.members.forEach((member, i) => {
      if (!INVITABLE_STATES.includes(member.memberSessionState)) {
        ctx.addIssue({
          code: "custom",
          path: ["members", i, "memberSessionState"],
          message: "must be MEMBER_CALLING or omitted",
          input: member.memberSessionState,
        });
      }
      if (member.userID === req.userID) {
        ctx.addIssue({
          code: "custom",
          path: ["members", i, "userID"],
          message: "must not be the inviter (userID)",
          input: member.userID,
        });
      }
    });
    reportDuplicateUserIDs(req.members, ctx);
  })
  // Every invitee that gets rung becomes CALLING, so hand the domain that state, never UNSPECIFIED.
  .overwrite((req) => ({
    ...req,
    members: req.members.map((m) => ({ ...m, memberSessionState: "MEMBER_CALLING" as const })),
  }));
export type InviteSessionRequest = z.output<typeof InviteSessionRequest>;
export type InviteSessionRequestInput = z.input<typeof InviteSessionRequest>;

/**
 * What the invite did to one invitee (docs/decisions.md, "Invite"): `busy` = not rung, because
 * busy detection found them talking in another session (they are MEMBER_BUSY now).
 */
export const INVITE_OUTCOMES = ["added", "rung_again", "unchanged", "busy"] as const;
export type InviteOutcome = (typeof INVITE_OUTCOMES)[number];

/** Result of the typed (tRPC) invite: one entry per invitee, in request order. */
export const InviteSessionResult = z.object({
  members: z.array(
    z.object({
      userID: z.string(),
      outcome: z.enum(INVITE_OUTCOMES),
      memberSessionState: z.enum(MEMBER_SESSION_STATES),
    }),
  ),
});
export type InviteSessionResult = z.output<typeof InviteSessionResult>;
