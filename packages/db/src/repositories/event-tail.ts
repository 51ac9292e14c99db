import { type MemberSessionState, Prisma } from "../generated/prisma/client";
import type { DbExecutor } from "./executor";

// A commit-ordered, gap-free read of session_event across every app and session: the tail the
// user channel fans out from. Ids and seqs are handed out before commit, so they do not order
// events by visibility (a transaction that took id 10 may commit after one that took id 11).
// Each event records its transaction's id (tx_id, xid8); every transaction older than
// pg_snapshot_xmin(pg_current_snapshot()) has finished, so the events below that bound are final:
// reading them in (tx_id, id) order, and never past the bound, never skips one that commits later.
// The bound ignores the transactions of the cluster's OTHER databases (they cannot write this
// table): the oldest of the snapshot's running transactions not known to belong to another
// database, else the snapshot's xmax. A transaction that ended between the snapshot and the look
// at pg_stat_get_activity, or whose database cannot be seen, still counts: late, never a gap.

/**
 * The tail's bound as of the statement's snapshot (an xid8): every transaction of this database
 * below it has ended. Only a transaction positively seen running in another database is skipped.
 */
const TAIL_BOUND = Prisma.sql`(
  SELECT COALESCE(
           (SELECT min(x) FROM pg_snapshot_xip(s.snap) AS x
             WHERE xid(x) NOT IN (
               SELECT a.backend_xid FROM pg_stat_get_activity(NULL) AS a
                WHERE a.backend_xid IS NOT NULL
                  AND a.datid <> (SELECT d.oid FROM pg_database d
                                   WHERE d.datname = current_database()))),
           pg_snapshot_xmax(s.snap))
    FROM (SELECT pg_current_snapshot() AS snap) AS s)`;

/** A position in the tail: everything at or before (txId, id) has been read. */
export interface EventCursor {
  readonly txId: bigint;
  readonly id: bigint;
}

/** The largest bigint id: (txId, MAX_EVENT_ID) is "all of transaction txId and before". */
export const MAX_EVENT_ID = 9_223_372_036_854_775_807n;

export function compareCursors(a: EventCursor, b: EventCursor): number {
  if (a.txId !== b.txId) return a.txId < b.txId ? -1 : 1;
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return 0;
}

export interface TailedEvent {
  readonly cursor: EventCursor;
  readonly appId: string;
  readonly sessionId: string;
  readonly collaborationId: string;
  /** The collaboration's detail (what a ring shows). */
  readonly detail: string;
  readonly seq: number;
  readonly type: string;
  readonly actorId: string | null;
  readonly subjectId: string | null;
  readonly fromState: MemberSessionState | null;
  readonly toState: MemberSessionState | null;
  readonly payload: unknown;
  readonly createdAt: Date;
  /** The session's members (user ids) as of the event (joined no later): who it concerns. */
  readonly members: readonly string[];
  /**
   * A ring's deadline: the subject's calling deadline when read, if the subject is still ringing
   * from this very ring (its invited_at is the event's time); null otherwise.
   */
  readonly callingDeadline: Date | null;
}

export interface TailRead {
  readonly events: TailedEvent[];
  /**
   * Where the reader is once it has taken these events: the last one's cursor, or, when fewer
   * than `limit` came, (bound − 1, MAX_EVENT_ID): every transaction below the bound is done.
   */
  readonly next: EventCursor;
  /** Committed events wait behind an older transaction still running (read again soon). */
  readonly held: boolean;
}

interface TailDbRow {
  bound: string;
  held: boolean;
  tx_id: string | null;
  id: string | null;
  app_id: string;
  session_id: string;
  collaboration_id: string;
  detail: string;
  seq: number;
  type: string;
  actor_id: string | null;
  subject_id: string | null;
  from_state: MemberSessionState | null;
  to_state: MemberSessionState | null;
  payload: unknown;
  created_at: Date;
  /** created_at in µs since the epoch (exact in a double; a Date keeps only ms). */
  created_us: number | null;
  /** On the batch's first event of each session only: every member, oldest first. */
  session_members: SessionMembers | null;
  calling_deadline: Date | null;
}

/** A session's members as one read saw them: user ids and when each joined (µs), oldest first. */
interface SessionMembers {
  readonly ids: readonly string[] | null;
  readonly joinedUs: readonly number[] | null;
}

/** The members who had joined by `atUs` (µs): a prefix of `members`, which is oldest first. */
function membersAt(members: SessionMembers | undefined, atUs: number): readonly string[] {
  const ids = members?.ids ?? [];
  const joinedUs = members?.joinedUs ?? [];
  let low = 0;
  let high = ids.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((joinedUs[middle] ?? 0) <= atUs) low = middle + 1;
    else high = middle;
  }
  return low === ids.length ? ids : ids.slice(0, low);
}

/**
 * The members of the sessions a tail has read, kept between its reads so that a read aggregates
 * only the sessions it has not seen yet (an aggregate per session per read was most of a busy
 * read's cost: docs/user-channel.md). Once read, a session's member list changes only by the
 * events the tail reads after it, in order: every member row is written with an event about that
 * member (its subject_id) in the same statement or transaction, an invite's or a create's, so an
 * event whose subject is not listed yet adds that member as of the event's time.
 *
 * Valid only for one tail that reads without gaps: a reader that loses its position (stops, or
 * starts again elsewhere) starts a new cache. Bounded: the least recently read sessions are
 * forgotten (and aggregated again if they come back), and only the `sentPerRead` most recent are
 * named to a read.
 */
export class TailMemberCache {
  /** By app and session, least recently read first. */
  readonly #sessions = new Map<string, SessionMembers & { appId: string; sessionId: string }>();

  constructor(
    readonly capacity = 1_024,
    readonly sentPerRead = 256,
  ) {}

  get size(): number {
    return this.#sessions.size;
  }

  /**
   * The sessions a read need not aggregate (the most recently read, at most `sentPerRead`), and
   * their members as of now: what the read's rows of those sessions start from, even should the
   * read's own new sessions push some of them out.
   */
  known(): KnownSessions {
    const appIds: string[] = [];
    const sessionIds: string[] = [];
    const members = new Map<string, SessionMembers>();
    const entries = [...this.#sessions];
    for (let i = entries.length - 1; i >= 0 && appIds.length < this.sentPerRead; i--) {
      const [key, entry] = entries[i] as (typeof entries)[number];
      appIds.push(entry.appId);
      sessionIds.push(entry.sessionId);
      members.set(key, entry);
    }
    return { appIds, sessionIds, members };
  }

  set(appId: string, sessionId: string, members: SessionMembers): void {
    const key = sessionKey(appId, sessionId);
    this.#sessions.delete(key);
    this.#sessions.set(key, { ...members, appId, sessionId });
    if (this.#sessions.size > this.capacity) {
      const oldest = this.#sessions.keys().next().value;
      if (oldest !== undefined) this.#sessions.delete(oldest);
    }
  }
}

interface KnownSessions {
  readonly appIds: readonly string[];
  readonly sessionIds: readonly string[];
  /** By sessionKey. */
  readonly members: ReadonlyMap<string, SessionMembers>;
}

const NOTHING_KNOWN: KnownSessions = { appIds: [], sessionIds: [], members: new Map() };

/** NULL for an empty list: the prepared statements' adapter sends `[]` as a malformed literal. */
function arrayOrNull(values: readonly string[]): string[] | null {
  return values.length === 0 ? null : [...values];
}

function sessionKey(appId: string, sessionId: string): string {
  return `${appId}\u0000${sessionId}`;
}

/**
 * `members` with `userId` added as of `atUs`, in join order; the same lists when already there.
 * A new list: an event already handed out keeps the members it had.
 */
function withMember(members: SessionMembers, userId: string, atUs: number): SessionMembers {
  const ids = members.ids ?? [];
  if (ids.includes(userId)) return members;
  const joinedUs = members.joinedUs ?? [];
  let at = joinedUs.length;
  while (at > 0 && (joinedUs[at - 1] ?? 0) > atUs) at -= 1;
  return {
    ids: [...ids.slice(0, at), userId, ...ids.slice(at)],
    joinedUs: [...joinedUs.slice(0, at), atUs, ...joinedUs.slice(at)],
  };
}

/** The current end of the tail: a reader starting here gets only events committed from now on. */
export async function currentEventCursor(db: DbExecutor): Promise<EventCursor> {
  const rows = await db.$queryRaw<{ bound: string }[]>`
    SELECT ${TAIL_BOUND}::text AS bound`;
  return { txId: BigInt(rows[0]?.bound ?? "1") - 1n, id: MAX_EVENT_ID };
}

/**
 * ONE statement: up to `limit` events after `after`, in commit-safe order, of transactions below
 * the tail's bound (and at most `upTo`, when given; only `appId`'s, when given), each with its
 * session's collaboration, detail and member ids. An index range scan on (tx_id, id).
 */
export async function readCommittedEventsAfter(
  db: DbExecutor,
  query: {
    readonly after: EventCursor;
    readonly limit: number;
    readonly upTo?: EventCursor;
    readonly appId?: string;
    /** Sessions already read by this tail: not aggregated again, kept up to date from events. */
    readonly memberCache?: TailMemberCache;
  },
): Promise<TailRead> {
  const cache = query.memberCache;
  const known = cache?.known() ?? NOTHING_KNOWN;
  const upToTx = query.upTo?.txId.toString() ?? null;
  const upToId = query.upTo?.id.toString() ?? null;
  const rows = await db.$queryRaw<TailDbRow[]>`
    -- MATERIALIZED: the bound is computed once; each inlined copy would look at the running
    -- transactions at its own moment, and a filter bound below the returned one skips events.
    WITH b AS MATERIALIZED (SELECT ${TAIL_BOUND} AS bound)
    SELECT b.bound::text AS bound,
           -- The newest event's transaction, by a backward index step: "EXISTS (… tx_id >= bound)"
           -- was planned as a scan from the table's oldest rows, the whole table on every read.
           COALESCE((SELECT h."tx_id" FROM "session_event" h
                      WHERE h."tx_id" IS NOT NULL
                      ORDER BY h."tx_id" DESC LIMIT 1) >= b.bound, false) AS held,
           e."tx_id"::text AS tx_id, e."id"::text AS id, e."app_id", e."session_id",
           sc."collaboration_id", sc."detail", e."seq", e."type", e."actor_id", e."subject_id",
           e."from_state"::text AS from_state, e."to_state"::text AS to_state, e."payload",
           e."created_at",
           (extract(epoch FROM e."created_at") * 1000000)::float8 AS created_us,
           -- A session's members once per read, on its first event (a read holds many events of
           -- one session: an invite of five writes ten); each event keeps those who had joined by
           -- its time, from this one snapshot.
           CASE WHEN e."id" IS NOT NULL
                 AND row_number() OVER (PARTITION BY e."app_id", e."session_id"
                                        ORDER BY e."tx_id", e."id") = 1
                 -- Not the sessions the reader keeps (TailMemberCache): a hashed lookup.
                 AND (e."app_id", e."session_id") NOT IN (
                       SELECT k.app_id, k.session_id
                         FROM unnest(${arrayOrNull(known.appIds)}::text[],
                                     ${arrayOrNull(known.sessionIds)}::text[])
                              AS k(app_id, session_id))
           THEN (SELECT json_build_object(
                          'ids', array_agg(m."user_id" ORDER BY m."created_at"),
                          'joinedUs', array_agg((extract(epoch FROM m."created_at") * 1000000)::float8
                                                ORDER BY m."created_at"))
                   FROM "session_member" m
                  WHERE m."app_id" = e."app_id" AND m."session_id" = e."session_id")
           END AS session_members,
           -- By the member's key; the state is tested outside WHERE so that the partial index of
           -- ringing members (which holds every ring in progress) is never the one scanned.
           (SELECT CASE WHEN r."member_session_state" = 'MEMBER_CALLING'
                         AND r."invited_at" = e."created_at" THEN r."calling_deadline" END
              FROM "session_member" r
             WHERE r."session_id" = e."session_id" AND r."user_id" = e."subject_id") AS calling_deadline
    FROM b
    LEFT JOIN LATERAL (
      SELECT ev.*
        FROM "session_event" ev
       WHERE (ev."tx_id", ev."id") > (${query.after.txId.toString()}::xid8, ${query.after.id.toString()}::bigint)
         AND ev."tx_id" < b.bound
         AND (${upToTx}::xid8 IS NULL
              OR (ev."tx_id", ev."id") <= (${upToTx}::xid8, ${upToId}::bigint))
         AND (${query.appId ?? null}::text IS NULL OR ev."app_id" = ${query.appId ?? null}::text)
       ORDER BY ev."tx_id", ev."id"
       LIMIT ${query.limit}
    ) e ON true
    -- One lookup by key per event (LIMIT 1 keeps it a lookup): as plain joins, stale statistics
    -- planned them as hash joins over the whole session and collaboration tables on every read.
    LEFT JOIN LATERAL (
      SELECT s."collaboration_id", c."detail"
        FROM "session" s
        JOIN "collaboration" c ON c."app_id" = s."app_id" AND c."id" = s."collaboration_id"
       WHERE s."app_id" = e."app_id" AND s."id" = e."session_id"
       LIMIT 1
    ) sc ON true
    ORDER BY e."tx_id", e."id"`;
  const first = rows[0];
  const bound = BigInt(first?.bound ?? "1");
  const events: TailedEvent[] = [];
  const sessionMembers = new Map<string, SessionMembers>();
  for (const row of rows) {
    if (row.tx_id === null || row.id === null) continue;
    const key = sessionKey(row.app_id, row.session_id);
    const createdUs = row.created_us ?? 0;
    const seen = sessionMembers.get(key);
    let members = row.session_members ?? seen ?? known.members.get(key);
    if (cache !== undefined && members !== undefined) {
      if (row.subject_id !== null) members = withMember(members, row.subject_id, createdUs);
      // Once per session per read (it is then the most recent), and again when a member joined.
      if (members !== seen) cache.set(row.app_id, row.session_id, members);
    }
    if (members !== undefined) sessionMembers.set(key, members);
    events.push({
      cursor: { txId: BigInt(row.tx_id), id: BigInt(row.id) },
      appId: row.app_id,
      sessionId: row.session_id,
      collaborationId: row.collaboration_id,
      detail: row.detail ?? "",
      seq: Number(row.seq),
      type: row.type,
      actorId: row.actor_id,
      subjectId: row.subject_id,
      fromState: row.from_state,
      toState: row.to_state,
      payload: row.payload,
      createdAt: row.created_at,
      // Members when the event happened, not when it is read: a live read and a later resume
      // then agree (a member does not see what preceded joining).
      members: membersAt(members, createdUs),
      callingDeadline: row.calling_deadline,
    });
  }
  const last = events.at(-1)?.cursor;
  let next: EventCursor;
  if (events.length >= query.limit && last !== undefined) next = last;
  else {
    const done: EventCursor = { txId: bound - 1n, id: MAX_EVENT_ID };
    next = query.upTo !== undefined && compareCursors(query.upTo, done) < 0 ? query.upTo : done;
    if (last !== undefined && compareCursors(last, next) > 0) next = last;
    if (compareCursors(query.after, next) > 0) next = query.after;
  }
  return { events, next, held: first?.held === true };
}
