import {
  payloadReason,
  type UserCall,
  UserCallMember,
  type UserChannelEvent,
  type UserRingEndedEvent,
} from "@collab/contracts";
import {
  compareCursors,
  type Database,
  type EventCursor,
  readCommittedEventsAfter,
  type TailedEvent,
} from "@collab/db";

// What the user channel sends: session events (from the tail) as seen by one user, and the rings
// still in progress when a device connects. Each carries a tracked id, the event's position
// in the tail ("<tx_id>.<id>"), so a reconnect resumes exactly after the last event received.

export function cursorId(cursor: EventCursor): string {
  return `${cursor.txId}.${cursor.id}`;
}

const CURSOR_ID = /^(\d{1,20})\.(\d{1,19})$/;

/** A tracked id back into a cursor, or null for anything else (the client then resyncs). */
export function parseCursorId(value: string | null | undefined): EventCursor | null {
  if (typeof value !== "string") return null;
  const match = CURSOR_ID.exec(value);
  if (match === null) return null;
  return { txId: BigInt(match[1] as string), id: BigInt(match[2] as string) };
}

export const maxCursor = (a: EventCursor, b: EventCursor) => (compareCursors(a, b) >= 0 ? a : b);

const RING_END_REASONS: Partial<Record<string, UserRingEndedEvent["reason"]>> = {
  MEMBER_TALKING: "accepted",
  MEMBER_DECLINE: "declined",
  MEMBER_BUSY: "busy",
  MEMBER_OFFLINE: "offline",
  MEMBER_TIMEOUT: "timed_out",
  MEMBER_LEFT: "session_ended",
};

const EMPTY_MEMBER: UserCallMember = { medias: [], tools: [], roles: [], deviceType: 0, extra: "" };

/** The request's reason and extra carried by the event, as the channel's optional fields. */
function appReason(payload: unknown): { reasonCode?: string; reasonExtra?: string } {
  const { reason, extra } = payloadReason(payload);
  return {
    ...(reason === null ? {} : { reasonCode: reason }),
    ...(extra === null ? {} : { reasonExtra: extra }),
  };
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

/** The channel event `event` is for `userId` (a member of its session, or its subject), or null. */
export function channelEventFor(userId: string, event: TailedEvent): UserChannelEvent | null {
  const where = {
    collaborationID: event.collaborationId,
    sessionID: event.sessionId,
    seq: event.seq,
    at: event.createdAt.getTime(),
  };
  const payload = record(event.payload);
  const deviceID = typeof payload.deviceID === "string" ? payload.deviceID : null;
  if (event.type === "session.started" || event.type === "session.ended") {
    return {
      kind: "session_state",
      ...where,
      sessionState: event.type === "session.started" ? "SESSION_START" : "SESSION_END",
      actorID: event.actorId,
      ...appReason(payload),
    };
  }
  if (event.subjectId === null || event.toState === null) return null;
  const self = event.subjectId === userId;
  if (self && (event.type === "member.invited" || event.type === "member.rung_again")) {
    const member = UserCallMember.safeParse(payload.member);
    return {
      kind: "ring",
      ...where,
      reason: event.type === "member.invited" ? "invited" : "rung_again",
      invitedBy: event.actorId,
      invitedAt: where.at,
      callingDeadline: event.callingDeadline?.getTime() ?? null,
      detail: event.detail,
      member: member.success ? member.data : EMPTY_MEMBER,
      members: null,
    };
  }
  // A cancelled ring ends in MEMBER_LEFT too, which otherwise means the session ended.
  const ended = event.type === "member.cancelled" ? "cancelled" : RING_END_REASONS[event.toState];
  if (self && event.fromState === "MEMBER_CALLING" && ended !== undefined) {
    return {
      kind: "ring_ended",
      ...where,
      reason: ended,
      memberSessionState: event.toState,
      actorID: event.actorId,
      deviceID,
      ...appReason(payload),
    };
  }
  return {
    kind: "member_state",
    ...where,
    userID: event.subjectId,
    self,
    type: event.type,
    fromState: event.fromState,
    memberSessionState: event.toState,
    actorID: event.actorId,
    deviceID,
    ...appReason(payload),
  };
}

/** A ring still in progress, as sent first on connect. */
export function ringingEvent(call: UserCall): UserChannelEvent {
  return {
    kind: "ring",
    collaborationID: call.collaborationID,
    sessionID: call.sessionID,
    seq: 0,
    at: call.invitedAt ?? call.changedAt,
    reason: "ringing",
    invitedBy: call.invitedBy,
    invitedAt: call.invitedAt ?? call.changedAt,
    callingDeadline: call.callingDeadline,
    detail: call.detail,
    member: call.member,
    members: call.members,
  };
}

/** The same ring, whether sent on connect or live (dedupes the two). */
export const ringKey = (sessionID: string, invitedAt: number) => `${sessionID}:${invitedAt}`;

/**
 * Whether a tailed event concerns the user: about them, or in a session they are a member of.
 * (The hub routes by the same rule; a resume reads the app's events and filters with it.)
 */
export function concerns(userId: string, event: TailedEvent): boolean {
  return event.subjectId === userId || event.members.includes(userId);
}

export interface Backlog {
  /** The user's events after `from` up to `to`, in order; null when there were too many to scan. */
  readonly events: TailedEvent[] | null;
}

/**
 * The events of (app, user) after `from` and at most `to`, read from the table (a resume, or a
 * subscriber that fell behind). Scans at most `maxScanned` of the app's events: a resume point
 * older than that is answered with null (the subscriber resyncs instead).
 */
export async function readBacklog(
  db: Database,
  query: {
    readonly appId: string;
    readonly userId: string;
    readonly from: EventCursor;
    readonly to: EventCursor;
    readonly maxScanned: number;
  },
): Promise<Backlog> {
  const events: TailedEvent[] = [];
  let after = query.from;
  let scanned = 0;
  const limit = 500;
  while (compareCursors(after, query.to) < 0) {
    const read = await readCommittedEventsAfter(db, {
      after,
      upTo: query.to,
      appId: query.appId,
      limit,
    });
    scanned += read.events.length;
    if (scanned > query.maxScanned) return { events: null };
    for (const event of read.events) if (concerns(query.userId, event)) events.push(event);
    if (read.events.length < limit) break;
    after = read.next;
  }
  return { events };
}
