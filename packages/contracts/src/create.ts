import * as z from "zod";
import { reportDuplicateUserIDs } from "./duplicates";
import { ConfirmState } from "./enums";
import { LIMITS } from "./limits";
import { RuleSettings } from "./rule-settings";
import {
  ExtraField,
  IdField,
  Int32,
  Int32Field,
  Int64Field,
  message,
  repeated,
  withZero,
} from "./scalars";

// POST /create: a collaboration and its session. Members join with MEMBER_UNSPECIFIED, so the
// request carries no session state for them.

export const CreateCollaborationMember = message({
  userID: IdField,
  confirmState: withZero(ConfirmState, "CONFIRM_UNSPECIFIED"),
  deviceType: Int32Field,
  roles: repeated(Int32),
});
export type CreateCollaborationMember = z.output<typeof CreateCollaborationMember>;

export const CreateCollaborationRequest = message({
  /** The creator; added to the session whether or not listed in `members`. */
  userID: IdField,
  beginTime: Int64Field,
  endTime: Int64Field,
  detail: ExtraField,
  extra: ExtraField,
  members: withZero(
    z.array(CreateCollaborationMember, { error: "must be an array" }).max(LIMITS.maxCreateMembers, {
      error: `must list at most ${LIMITS.maxCreateMembers} members`,
    }),
    [],
  ),
  ruleSettings: withZero(RuleSettings, {}),
}).superRefine((req, ctx) => reportDuplicateUserIDs(req.members, ctx));
export type CreateCollaborationRequest = z.output<typeof CreateCollaborationRequest>;
export type CreateCollaborationRequestInput = z.input<typeof CreateCollaborationRequest>;
