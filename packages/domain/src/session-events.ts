import {
  MAX_SESSION_EVENTS_PAGE,
  type SessionEventsRequest,
  type SessionEventsResp,
  type WebhookEvent,
} from "@collab/contracts";
import { readSessionEventsAfter, type SessionEventRow } from "@collab/db";
import type { DomainContext } from "./context";
import { isStoredId } from "./ids";
import { collaborationNotFound, sessionNotFound } from "./targets";

// A session's events as webhooks carry them (docs/hiar-api.md, "Webhooks"): the one mapping the
// worker's deliveries and POST /session/events share, so a catch-up read and a delivery of the
// same event are the same JSON.

/** An event as its webhook delivers it (contracts' WebhookEvent). */
export function webhookEvent(
  ids: { readonly appID: string; readonly collaborationID: string; readonly sessionID: string },
  row: SessionEventRow & { readonly id: bigint | string },
): WebhookEvent {
  return {
    eventID: row.id.toString(),
    type: row.type,
    appID: ids.appID,
    collaborationID: ids.collaborationID,
    sessionID: ids.sessionID,
    seq: row.seq,
    time: row.createdAt.toISOString(),
    actorID: row.actorId,
    subjectID: row.subjectId,
    fromState: row.fromState,
    toState: row.toState,
    traceID: row.traceId,
    payload: row.payload,
  };
}

/**
 * POST /session/events: the session's events after `afterSeq`, oldest first, at most `limit`
 * (0 = 100), with the seq to ask from next and whether more follow. NOT_FOUND for a
 * collaboration or a session the app does not have. Ended sessions are readable. ONE statement.
 */
export async function fetchSessionEvents(
  ctx: DomainContext,
  input: SessionEventsRequest,
): Promise<SessionEventsResp> {
  const ids = { collaborationID: input.collaborationID, sessionID: input.sessionID };
  if (!isStoredId(input.collaborationID)) throw collaborationNotFound(ids);
  if (!isStoredId(input.sessionID)) throw sessionNotFound(ids);
  const limit = input.limit === 0 ? MAX_SESSION_EVENTS_PAGE : input.limit;
  // One more than the page tells whether more follow.
  const read = await readSessionEventsAfter(ctx.db, {
    appId: ctx.app.id,
    collaborationId: input.collaborationID,
    sessionId: input.sessionID,
    afterSeq: input.afterSeq,
    limit: limit + 1,
  });
  if (!read.collaborationFound) throw collaborationNotFound(ids);
  if (!read.sessionFound) throw sessionNotFound(ids);
  const page = read.events.slice(0, limit);
  return {
    events: page.map((row) => webhookEvent({ appID: ctx.app.id, ...ids }, row)),
    nextSeq: page.at(-1)?.seq ?? input.afterSeq,
    hasMore: read.events.length > limit,
  };
}
