import {
  type CollaborationPage,
  LIVE_MEMBER_STATES,
  type ListCollaborationsRequest,
} from "@collab/contracts";
import { listCollaborationsOfApp } from "@collab/db";
import type { DomainContext } from "./context";

/**
 * The console's collaborations list: the app's collaborations newest first (created_at DESC, id
 * DESC), `offset` then `limit` of them, each with its current session's state and its live
 * (CALLING or TALKING) and total member counts, plus the app's total for pagination. Ended
 * collaborations are included.
 */
export async function listCollaborations(
  ctx: DomainContext,
  input: ListCollaborationsRequest,
): Promise<CollaborationPage> {
  const { rows, total } = await listCollaborationsOfApp(ctx.db, {
    appId: ctx.app.id,
    limit: input.limit,
    offset: input.offset,
    liveStates: LIVE_MEMBER_STATES,
  });
  return {
    items: rows.map((row) => ({
      collaborationID: row.id,
      state: row.state,
      detail: row.detail,
      creatorID: row.creatorId,
      numberLimit: row.numberLimit,
      createdAt: row.createdAt.toISOString(),
      session:
        row.session === null
          ? null
          : {
              sessionID: row.session.id,
              state: row.session.state,
              liveMembers: row.session.liveMembers,
              totalMembers: row.session.totalMembers,
            },
    })),
    total,
    limit: input.limit,
    offset: input.offset,
  };
}
