import {
  INVITE_OUTCOMES,
  type InviteOutcome,
  type ListSessionEventsRequest,
  type SessionEventPage,
  type SessionEventView,
} from "@collab/contracts";
import { listSessionEventsAfter, listSessionEventsBefore, type SessionEventRow } from "@collab/db";
import type { DomainContext } from "./context";
import { findSessionOrThrow } from "./get-session";

function outcomeOf(payload: unknown): InviteOutcome | null {
  if (typeof payload !== "object" || payload === null) return null;
  const outcome = (payload as { outcome?: unknown }).outcome;
  return (INVITE_OUTCOMES as readonly unknown[]).includes(outcome)
    ? (outcome as InviteOutcome)
    : null;
}

function reasonOf(payload: unknown): { reason: string | null; extra: string | null } {
  const p =
    typeof payload === "object" && payload !== null ? (payload as Record<string, unknown>) : {};
  return {
    reason: typeof p.reason === "string" && p.reason !== "" ? p.reason : null,
    extra: typeof p.extra === "string" && p.extra !== "" ? p.extra : null,
  };
}

/** An event as the console shows it (the payload's member copy stays on the server). */
export function sessionEventView(row: SessionEventRow): SessionEventView {
  return {
    seq: row.seq,
    type: row.type,
    actorID: row.actorId,
    subjectID: row.subjectId,
    fromState: row.fromState,
    toState: row.toState,
    traceID: row.traceId,
    createdAt: row.createdAt.toISOString(),
    outcome: outcomeOf(row.payload),
    ...reasonOf(row.payload),
  };
}

/**
 * The session's event timeline, newest first, `limit` at a time, paging back with `beforeSeq`.
 * NOT_FOUND for a session that is not the app's. Checks the session, then reads the page.
 */
export async function listSessionEvents(
  ctx: DomainContext,
  input: ListSessionEventsRequest,
): Promise<SessionEventPage> {
  const session = await findSessionOrThrow(ctx, input.sessionID);
  // One extra row tells whether an older page exists.
  const rows = await listSessionEventsBefore(ctx.db, {
    appId: ctx.app.id,
    sessionId: session.id,
    beforeSeq: input.beforeSeq ?? null,
    limit: input.limit + 1,
  });
  return {
    events: rows.slice(0, input.limit).map(sessionEventView),
    hasOlder: rows.length > input.limit,
  };
}

/**
 * The live stream's read: up to `limit` events after `afterSeq`, oldest first. The caller has
 * already checked the session (findSessionOrThrow); the app filter still applies.
 */
export async function readSessionEventsAfter(
  ctx: DomainContext,
  input: { readonly sessionID: string; readonly afterSeq: number; readonly limit: number },
): Promise<SessionEventView[]> {
  const rows = await listSessionEventsAfter(ctx.db, {
    appId: ctx.app.id,
    sessionId: input.sessionID,
    afterSeq: input.afterSeq,
    limit: input.limit,
  });
  return rows.map(sessionEventView);
}
