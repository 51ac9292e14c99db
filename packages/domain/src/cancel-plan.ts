import { HiarError, type MemberSessionStateName } from "@collab/contracts";
import { storedRuleSettings } from "./lifecycle-rules";

// POST /session/cancel's rules as pure functions (docs/state-machine.md, "Who may cause what"):
// the use case (cancel-invite.ts) feeds them what it read under the session's lock.

export interface CancelRightInput {
  /** Who cancels. */
  readonly userID: string;
  /** The canceller's member roles. */
  readonly roles: readonly number[];
  /** Who rang the member being cancelled (null: nobody). */
  readonly invitedBy: string | null;
  /** The collaboration's stored ruleSettings. */
  readonly ruleSettings: unknown;
  readonly starterID: string;
  readonly creatorID: string;
}

/**
 * Who may stop a member's ring: its inviter always (withdrawing one's own ring); besides, with
 * `ruleSettings.roleControl`, a member holding a role whose `roleRights` entry grants
 * RIGHT_CANCEL or RIGHT_ALL (role control replaces the default, as for kickout); without it, the
 * session's starter and the collaboration's creator.
 */
export function holdsCancelRight(input: CancelRightInput): boolean {
  if (input.invitedBy !== null && input.invitedBy === input.userID) return true;
  const rules = storedRuleSettings(input.ruleSettings);
  if (rules?.roleControl) {
    const granted = new Set(
      rules.roleRights
        .filter((r) => r.rights.includes("RIGHT_CANCEL") || r.rights.includes("RIGHT_ALL"))
        .map((r) => r.role),
    );
    return input.roles.some((role) => granted.has(role));
  }
  return input.userID === input.starterID || input.userID === input.creatorID;
}

export interface CancelPlanInput {
  readonly userID: string;
  /** The listed userIDs, in request order. */
  readonly members: readonly string[];
  /** The session's members among the canceller and the listed ones, as locked. */
  readonly found: ReadonlyMap<
    string,
    {
      readonly memberSessionState: MemberSessionStateName;
      readonly roles: readonly number[];
      readonly invitedBy: string | null;
    }
  >;
  readonly ruleSettings: unknown;
  readonly starterID: string;
  readonly creatorID: string;
}

/**
 * The members to move (all of them, in request order), or the first refusal, checked in this
 * order: the canceller must be a member of the session and not MEMBER_KICKOUT
 * (PERMISSION_DENIED, field userID); then, per member in request order, a member of the session
 * (NOT_FOUND), still MEMBER_CALLING (INVALID_STATE), whose ring the canceller may stop
 * (PERMISSION_DENIED); those three name the member's field, `members[i]`.
 */
export function planCancel(input: CancelPlanInput): string[] {
  const canceller = input.found.get(input.userID);
  if (canceller === undefined) {
    throw new HiarError("PERMISSION_DENIED", `${input.userID} is not a member of this session`, {
      field: "userID",
    });
  }
  if (canceller.memberSessionState === "MEMBER_KICKOUT") {
    throw new HiarError("PERMISSION_DENIED", `${input.userID} was kicked out of this session`, {
      field: "userID",
    });
  }
  input.members.forEach((userID, i) => {
    const field = `members[${i}]`;
    const member = input.found.get(userID);
    if (member === undefined) {
      throw new HiarError("NOT_FOUND", `${userID} is not a member of this session`, { field });
    }
    if (member.memberSessionState !== "MEMBER_CALLING") {
      throw new HiarError(
        "INVALID_STATE",
        `member ${userID} is ${member.memberSessionState}, not ringing: cannot be cancelled`,
        { field, details: { from: member.memberSessionState, to: "MEMBER_LEFT" } },
      );
    }
    const allowed = holdsCancelRight({
      userID: input.userID,
      roles: canceller.roles,
      invitedBy: member.invitedBy,
      ruleSettings: input.ruleSettings,
      starterID: input.starterID,
      creatorID: input.creatorID,
    });
    if (!allowed) {
      throw new HiarError(
        "PERMISSION_DENIED",
        `${input.userID} may not cancel the ring of ${userID} (rung by ${member.invitedBy ?? "nobody"})`,
        { field },
      );
    }
  });
  return [...input.members];
}
