import {
  canTransition,
  HiarError,
  type InviteOutcome,
  type InviteSessionRequest,
  type InviteSessionResult,
  isLiveMemberState,
  LIMITS,
  type MemberInfo,
  type MemberSessionStateName,
} from "@collab/contracts";

// The invite's rules (docs/decisions.md, "Invite"), as pure functions: inviteSession feeds them
// what it read under the session's lock and writes what they decide.

/** The state every rung invitee gets. */
export const RING_STATE = "MEMBER_CALLING" satisfies MemberSessionStateName;

/** The state of an invitee busy detection finds talking elsewhere (not rung). */
export const BUSY_STATE = "MEMBER_BUSY" satisfies MemberSessionStateName;

/** Where an invitee is talking: another live session of the same app (busy detection). */
export interface TalkingElsewhere {
  readonly collaborationID: string;
  readonly sessionID: string;
}

/**
 * The contract's request rules, checked again because the domain may be called without the
 * contract's parser: 1–100 members, no userID twice, none equal to the inviter. Each failure is
 * INVALID_PARAM naming the field, as the contract would.
 */
export function assertInviteRequest(input: InviteSessionRequest): void {
  const { members } = input;
  if (members.length < 1 || members.length > LIMITS.maxInviteMembers) {
    throw new HiarError(
      "INVALID_PARAM",
      `members: must list 1–${LIMITS.maxInviteMembers} members`,
      { field: "members" },
    );
  }
  const seen = new Set<string>();
  members.forEach((member, i) => {
    const field = `members[${i}].userID`;
    if (member.userID === input.userID) {
      throw new HiarError("INVALID_PARAM", `${field}: must not be the inviter (userID)`, { field });
    }
    if (seen.has(member.userID)) {
      throw new HiarError("INVALID_PARAM", `${field}: duplicate userID`, { field });
    }
    seen.add(member.userID);
  });
}

/** What to do with one invitee, given its current state (null = not a member). */
export function inviteOutcomeFor(current: MemberSessionStateName | null): InviteOutcome {
  if (current === null) return "added";
  if (isLiveMemberState(current)) return "unchanged";
  if (canTransition(current, RING_STATE)) return "rung_again";
  // Unreachable with the state machine (docs/state-machine.md) (every non-live state may be rung); kept so a
  // new state cannot slip through silently.
  throw new HiarError("INVALID_STATE", `a ${current} member cannot be rung`, {
    details: { from: current, to: RING_STATE },
  });
}

export interface InvitePlanInput {
  readonly inviterID: string;
  /** The inviter's state in the session; null when not a member. */
  readonly inviterState: MemberSessionStateName | null;
  /** In request order. */
  readonly invitees: readonly MemberInfo[];
  /** Current state of each invitee who is a member of the session. */
  readonly currentStates: ReadonlyMap<string, MemberSessionStateName>;
  /** Members of the session now CALLING or TALKING. */
  readonly liveCount: number;
  /** memberLimitFor(collaboration.numberLimit). */
  readonly limit: number;
  /**
   * Invitees busy detection found MEMBER_TALKING in another live session of the app (empty or
   * absent when busy detection is off for this collaboration).
   */
  readonly talkingElsewhere?: ReadonlyMap<string, TalkingElsewhere>;
}

/**
 * An invitee whose row the invite writes, fields as sent: MEMBER_CALLING (added, rung again), or
 * MEMBER_BUSY at once when busy detection found them talking elsewhere (`busyIn` says where).
 */
export interface InviteChange {
  readonly member: MemberInfo;
  readonly outcome: Exclude<InviteOutcome, "unchanged">;
  /** null when added. */
  readonly fromState: MemberSessionStateName | null;
  /** Set when outcome is "busy". */
  readonly busyIn?: TalkingElsewhere;
}

export interface InvitePlan {
  /** One per invitee, in request order. */
  readonly outcomes: InviteSessionResult["members"];
  /** The invitees to write, in request order. */
  readonly changes: readonly InviteChange[];
  /** CALLING or TALKING members once the invite is applied. */
  readonly liveCountAfter: number;
}

/**
 * Decides the invite: PERMISSION_DENIED unless the inviter is a member who is not KICKOUT; per
 * invitee absent → added, terminal or UNSPECIFIED → rung again, CALLING/TALKING → unchanged;
 * an invitee who would be added or rung again but is talking elsewhere (`talkingElsewhere`) →
 * busy (MEMBER_BUSY, not rung: a ring answered busy at once, docs/state-machine.md);
 * MEMBER_LIMIT_EXCEEDED when the members it rings would take the live count past `limit`
 * (the whole invite fails; busy members are not live). An invite that rings nobody is never
 * refused for the limit.
 */
export function planInvite(input: InvitePlanInput): InvitePlan {
  if (input.inviterState === null) {
    throw new HiarError(
      "PERMISSION_DENIED",
      `inviter ${input.inviterID} is not a member of this session`,
      { field: "userID" },
    );
  }
  if (input.inviterState === "MEMBER_KICKOUT") {
    throw new HiarError(
      "PERMISSION_DENIED",
      `inviter ${input.inviterID} was kicked out of this session`,
      { field: "userID" },
    );
  }

  const outcomes: InviteSessionResult["members"] = [];
  const changes: InviteChange[] = [];
  let ringing = 0;
  for (const member of input.invitees) {
    const current = input.currentStates.get(member.userID) ?? null;
    const outcome = inviteOutcomeFor(current);
    const busyIn = input.talkingElsewhere?.get(member.userID);
    if (outcome === "unchanged") {
      // inviteOutcomeFor answers "unchanged" only for a member's (live) state.
      outcomes.push({ userID: member.userID, outcome, memberSessionState: current ?? RING_STATE });
    } else if (busyIn !== undefined) {
      outcomes.push({ userID: member.userID, outcome: "busy", memberSessionState: BUSY_STATE });
      changes.push({
        member: { ...member, memberSessionState: BUSY_STATE },
        outcome: "busy",
        fromState: current,
        busyIn,
      });
    } else {
      ringing++;
      outcomes.push({ userID: member.userID, outcome, memberSessionState: RING_STATE });
      changes.push({
        member: { ...member, memberSessionState: RING_STATE },
        outcome,
        fromState: current,
      });
    }
  }

  // Every ring makes a non-live member live, so each adds exactly one to the count.
  const liveCountAfter = input.liveCount + ringing;
  if (ringing > 0 && liveCountAfter > input.limit) {
    throw new HiarError(
      "MEMBER_LIMIT_EXCEEDED",
      `the invite would bring the session to ${liveCountAfter} members calling or talking; ` +
        `the limit is ${input.limit}`,
      {
        field: "members",
        details: { live: input.liveCount, ringing, limit: input.limit },
      },
    );
  }
  return { outcomes, changes, liveCountAfter };
}
