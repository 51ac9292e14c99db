import type { DbExecutor } from "./executor";

// POST /session/cancel's write (docs/state-machine.md, "Members"): ringing members stop ringing.
// Run it inside the transaction that locked the session (lockSession), as every writer of a
// session's members does; the caller appends the events (appendSessionEvents), which advances
// the session's event_seq as the invite relies on (members.ts).

/**
 * ONE statement, whatever the number of members: each listed member of the session that is still
 * MEMBER_CALLING becomes MEMBER_LEFT and loses its calling deadline (so the ring clock never
 * times it out). Returns the userIds moved; a member in any other state is left alone (the
 * caller compares, and rolls back when one it planned to move did not).
 */
export async function cancelRingingMembers(
  db: DbExecutor,
  cancel: {
    readonly appId: string;
    readonly sessionId: string;
    readonly userIds: readonly string[];
  },
): Promise<string[]> {
  if (cancel.userIds.length === 0) return [];
  const rows = await db.$queryRaw<{ user_id: string }[]>`
    UPDATE "session_member" m
       SET "member_session_state" = 'MEMBER_LEFT', "calling_deadline" = NULL, "updated_at" = now()
     WHERE m."app_id" = ${cancel.appId}
       AND m."session_id" = ${cancel.sessionId}
       AND m."user_id" = ANY(${cancel.userIds}::text[])
       AND m."member_session_state" = 'MEMBER_CALLING'
    RETURNING m."user_id" AS user_id`;
  return rows.map((row) => row.user_id);
}
