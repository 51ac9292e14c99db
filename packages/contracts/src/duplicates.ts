import type * as z from "zod";

/**
 * Reports every userID already seen earlier in `members`, at the later one's path
 * (`members[3].userID`), so the error points at the entry to remove.
 */
export function reportDuplicateUserIDs(
  members: readonly { userID: string }[],
  ctx: z.core.$RefinementCtx,
  listName = "members",
): void {
  const firstIndex = new Map<string, number>();
  members.forEach((member, i) => {
    const first = firstIndex.get(member.userID);
    if (first === undefined) {
      firstIndex.set(member.userID, i);
      return;
    }
    ctx.addIssue({
      code: "custom",
      path: [listName, i, "userID"],
      message: `duplicate userID: already listed at ${listName}[${first}]`,
      input: member.userID,
    });
  });
}
