import type * as z from "zod";
import { ConfirmState, MemberSessionState } from "./enums";
import {
  ExtraField,
  IdField,
  Int32,
  Int32Field,
  message,
  OptionalIdField,
  repeated,
  withZero,
} from "./scalars";

// The request-side member shapes (成员信息, 协作工具). Integer codes (kind, medias, roles,
// deviceType) have no documented meaning, so they are kept as sent.

/** 协作工具: a collaboration tool. `userID` may be empty (not set), at most 64 characters. */
export const CollabTool = message({
  kind: Int32Field,
  extra: ExtraField,
  userID: OptionalIdField,
});
export type CollabTool = z.output<typeof CollabTool>;
export type CollabToolInput = z.input<typeof CollabTool>;

/** 成员信息: a member as sent in /session/invite. */
export const MemberInfo = message({
  userID: IdField,
  confirmState: withZero(ConfirmState, "CONFIRM_UNSPECIFIED"),
  memberSessionState: withZero(MemberSessionState, "MEMBER_UNSPECIFIED"),
  medias: repeated(Int32),
  tools: repeated(CollabTool),
  roles: repeated(Int32),
  deviceType: Int32Field,
  seqID: Int32Field,
  extra: ExtraField,
});
export type MemberInfo = z.output<typeof MemberInfo>;
export type MemberInfoInput = z.input<typeof MemberInfo>;
