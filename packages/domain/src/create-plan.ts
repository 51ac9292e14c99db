import {
  type CreateCollaborationMember,
  type CreateCollaborationRequest,
  HiarError,
  LIMITS,
} from "@collab/contracts";

// The rules of POST /create (docs/decisions.md, "/create") that need no database.

/**
 * The members the new session starts with, each MEMBER_UNSPECIFIED: the creator first (as listed,
 * or with proto defaults when not listed), then the listed members in request order. A userID
 * listed twice is INVALID_PARAM (the contract says so too; checked again for callers that skip
 * it).
 */
export function planCreateMembers(input: CreateCollaborationRequest): CreateCollaborationMember[] {
  if (input.members.length > LIMITS.maxCreateMembers) {
    throw new HiarError(
      "INVALID_PARAM",
      `members: must list at most ${LIMITS.maxCreateMembers} members`,
      { field: "members" },
    );
  }
  const seen = new Set<string>();
  input.members.forEach((member, i) => {
    if (seen.has(member.userID)) {
      const field = `members[${i}].userID`;
      throw new HiarError("INVALID_PARAM", `${field}: duplicate userID`, { field });
    }
    seen.add(member.userID);
  });
  const creator = input.members.find((m) => m.userID === input.userID) ?? {
    userID: input.userID,
    confirmState: "CONFIRM_UNSPECIFIED" as const,
    deviceType: 0,
    roles: [],
  };
  return [creator, ...input.members.filter((m) => m.userID !== input.userID)];
}
