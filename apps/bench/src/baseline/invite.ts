import {
  HiarError,
  type InviteSessionRequest,
  type InviteSessionResult,
  LIMITS,
  LIVE_MEMBER_STATES,
  type MemberSessionStateName,
  memberLimitFor,
  TERMINAL_MEMBER_STATES,
} from "@collab/contracts";
import { LRUCache } from "lru-cache";
import type pg from "pg";
import { pgExecutor } from "./pg-executor";
import {
  assertInviteRequest,
  assertSessionTarget,
  busyDetection,
  callingTimeoutSeconds,
  collaborationNotFound,
  type DbExecutor,
  effectiveCallingTimeoutSeconds,
  inviteEvent,
  inviteMemberWrite,
  isStoredId,
  lockSession,
  planInvite,
  readInviteSnapshot,
  sessionNotFound,
  type TalkingElsewhere,
  writeInviteIfUnchanged,
} from "./project";

// packages/domain's inviteSession, step for step, with its statements sent through pg
// (./pg-executor) instead of Prisma: the same design (one read, busy detection included, one compare-and-set write on
// session.event_seq that also sets each rung member's calling deadline, two optimistic attempts,
// then the same read and write in a transaction behind the session's row lock) and the same SQL,
// rules and values (the project's own functions, ./project). Only this control flow is copied;
// statements.integration-test.ts checks that it sends the project's statements in the project's
// order on both paths and writes the same rows.

/** invite-session.ts: states a write may overwrite (never a live member). */
const RINGABLE_STATES: readonly MemberSessionStateName[] = [
  "MEMBER_UNSPECIFIED",
  ...TERMINAL_MEMBER_STATES,
];

/** invite-session.ts: optimistic attempts before the locked fallback. */
export const OPTIMISTIC_INVITE_ATTEMPTS = 2;

/** invite-session.ts: sessions whose invites had a conflict within the last second. */
const recentlyContended = new LRUCache<string, true>({ max: 1_000, ttl: 1_000 });

const STALE = Symbol("stale");

interface InviteAttempt {
  readonly appId: string;
  readonly input: InviteSessionRequest;
  readonly traceId: string;
  readonly deploymentTimeoutSeconds: number;
  /** The deployment's busy detection (HIAR_BUSY_DETECTION; the benchmark runs with it off). */
  readonly busyDetectionDefault: boolean;
}

function membersChangedConcurrently(expected: number): HiarError {
  return new HiarError("INVALID_STATE", "members changed concurrently; retry the invite", {
    details: { expected },
  });
}

async function attemptInvite(
  db: DbExecutor,
  attempt: InviteAttempt,
): Promise<InviteSessionResult | typeof STALE> {
  const { appId, input } = attempt;
  const ids = { collaborationID: input.collaborationID, sessionID: input.sessionID };
  const snapshot = await readInviteSnapshot(db, {
    appId,
    collaborationId: input.collaborationID,
    sessionId: input.sessionID,
    userIds: [input.userID, ...input.members.map((m) => m.userID)],
    countStates: LIVE_MEMBER_STATES,
    countUpTo: LIMITS.maxSessionMembers + 1,
    busyDetectionDefault: attempt.busyDetectionDefault,
  });
  assertSessionTarget(snapshot, ids);
  const states = new Map(snapshot.members.map((m) => [m.userId, m.memberSessionState]));
  const plan = planInvite({
    inviterID: input.userID,
    inviterState: states.get(input.userID) ?? null,
    invitees: input.members,
    currentStates: states,
    liveCount: snapshot.count,
    limit: memberLimitFor(snapshot.collaboration.numberLimit),
    talkingElsewhere: new Map(
      snapshot.talkingElsewhere.map((t): [string, TalkingElsewhere] => [
        t.userId,
        { collaborationID: t.collaborationId, sessionID: t.sessionId },
      ]),
    ),
  });
  if (plan.changes.length === 0) return { members: plan.outcomes };

  const written = await writeInviteIfUnchanged(db, {
    appId,
    sessionId: input.sessionID,
    expectedEventSeq: snapshot.session.eventSeq,
    members: plan.changes.map(inviteMemberWrite),
    invitedBy: input.userID,
    overwriteStates: RINGABLE_STATES,
    callingTimeoutSeconds: effectiveCallingTimeoutSeconds(
      snapshot.collaboration.callingTimeoutSeconds,
      attempt.deploymentTimeoutSeconds,
      input.callingTimeout,
    ),
    events: plan.changes.map((change) => inviteEvent(change, input, attempt.traceId)),
  });
  if (written.status === "stale") return STALE;
  if (written.status === "skipped") throw membersChangedConcurrently(plan.changes.length);
  return { members: plan.outcomes };
}

/** POST /session/invite as inviteSession runs it (see the comment at the top). */
export async function invite(
  pool: pg.Pool,
  appId: string,
  input: InviteSessionRequest,
  traceId: string,
): Promise<InviteSessionResult> {
  assertInviteRequest(input);
  const attempt: InviteAttempt = {
    appId,
    input,
    traceId,
    deploymentTimeoutSeconds: callingTimeoutSeconds(),
    busyDetectionDefault: busyDetection(),
  };
  const ids = { collaborationID: input.collaborationID, sessionID: input.sessionID };
  if (!isStoredId(input.collaborationID)) throw collaborationNotFound(ids);
  if (!isStoredId(input.sessionID)) throw sessionNotFound(ids);

  const sessionKey = `${appId}/${input.sessionID}`;
  if (!recentlyContended.has(sessionKey)) {
    const db = pgExecutor(pool);
    for (let i = 0; i < OPTIMISTIC_INVITE_ATTEMPTS; i++) {
      const result = await attemptInvite(db, attempt);
      if (result !== STALE) return result;
      recentlyContended.set(sessionKey, true);
    }
  }
  // The locked fallback: BEGIN · lock the session row · read · write · COMMIT, on one client.
  const client = await pool.connect();
  let committed = false;
  try {
    await client.query("BEGIN");
    const tx = pgExecutor(client);
    await lockSession(tx, {
      appId,
      sessionId: input.sessionID,
      collaborationId: null,
      userIds: [],
    });
    const result = await attemptInvite(tx, attempt);
    if (result === STALE) throw membersChangedConcurrently(input.members.length);
    await client.query("COMMIT");
    committed = true;
    return result;
  } finally {
    if (!committed) await client.query("ROLLBACK").catch(() => {});
    client.release();
  }
}
