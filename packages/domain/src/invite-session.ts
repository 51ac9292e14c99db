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
import {
  type DbExecutor,
  lockSession,
  readInviteSnapshot,
  writeInviteIfUnchanged,
} from "@collab/db";
import { LRUCache } from "lru-cache";
import { effectiveCallingTimeoutSeconds } from "./calling-timeout";
import type { DomainContext } from "./context";
import { isStoredId } from "./ids";
import { assertInviteRequest, planInvite, type TalkingElsewhere } from "./invite-plan";
import { inviteEvent, inviteMemberWrite } from "./invite-writes";
import { assertSessionTarget, collaborationNotFound, sessionNotFound } from "./targets";
import { TRANSACTION_OPTIONS } from "./transaction";

/** States a write may overwrite: the ones an invite rings again (never a live member). */
const RINGABLE_STATES: readonly MemberSessionStateName[] = [
  "MEMBER_UNSPECIFIED",
  ...TERMINAL_MEMBER_STATES,
];

export interface InviteOptions {
  /**
   * The deployment's calling timeout for this call (seconds a rung member may stay CALLING);
   * default `ctx.settings.callingTimeoutSeconds`. A collaboration's own
   * `ruleSettings.callingTimeout` takes precedence over it.
   */
  readonly callingTimeoutSeconds?: number;
}

/**
 * Optimistic attempts before the invite takes the session's row lock instead. Each failed one
 * costs a read and a write that changed nothing; the locked path cannot fail, so an invite
 * finishes after at most this many + 1 attempts however hot its session is.
 */
export const OPTIMISTIC_INVITE_ATTEMPTS = 2;

/**
 * Sessions (app + session ID) whose invites had a conflict within the last second: the next
 * invites into them take the session's lock at once. Under sustained contention (several
 * inviters into one session at the same moment) most optimistic attempts fail anyway and only
 * cost a read and a write each — measured with 8 concurrent inviters into one session, locking
 * first spent about half the database CPU per invite. Only a hint (both paths are correct), per
 * process, bounded; a session that cools down goes back to the optimistic path after a second.
 */
const recentlyContended = new LRUCache<string, true>({ max: 1_000, ttl: 1_000 });

// How the invite stays correct without a transaction on its common path.
//
// Invariant (kept by every writer; packages/db/src/repositories/members.ts lists them): any
// change to a session's members or state, or to its collaboration's state or rules, advances the
// session's event_seq in the same transaction, made while holding the session's row lock (taken
// before any member row).
//
// 1. READ — one statement, no lock: collaboration, session (with event_seq = v), the inviter's
//    and invitees' states and the live count. One statement sees one snapshot, so these are the
//    session's members exactly as of version v: a transaction that changed them either committed
//    before the snapshot (and v includes its advance) or is invisible in it as a whole.
// 2. PLAN — planInvite, in TypeScript, on that snapshot (the limit: live + changed ≤ limit).
// 3. WRITE — one statement, autocommit: UPDATE session SET event_seq = v + n WHERE event_seq = v
//    (the compare-and-set), then the members and events, each selected FROM its result, so
//    nothing is written unless it passed. Under READ COMMITTED an UPDATE checks its WHERE on the
//    row as of its statement's snapshot and, if another transaction updated (or is updating) the
//    row since, waits for that one to end and checks again on the newest committed version only
//    (other rows still come from the snapshot: hence everything hangs on this one row). Suppose
//    the CAS passed though a member had changed since the read: the changing transaction T
//    advanced event_seq (invariant) and committed after the read's snapshot (step 1). If T
//    committed before the write's snapshot, the write sees event_seq > v. Otherwise T updated
//    the session row after that snapshot (or holds its lock, taken before touching members), so
//    the UPDATE waits for T and re-checks on T's version: event_seq > v. Either way the CAS
//    fails — a contradiction (event_seq only grows, so it never comes back to v). Once the CAS
//    passed, the write holds the row until it commits (the statement's end), so no writer can
//    change the members in between: the members it overwrites and the live count are those the
//    plan saw, and live + changed ≤ limit holds when it commits. Seqs v+1 … v+n are handed out
//    under the same lock: gap-free and in commit order.
// 4. RETRY — a failed CAS wrote nothing (the statement is all or nothing): read and plan again,
//    so the outcome (added/unchanged/refused) is decided on the state the write will change.
//    After OPTIMISTIC_INVITE_ATTEMPTS failures the invite runs the same read and write inside a
//    transaction that first locks the session row (SELECT … FOR UPDATE): nobody can advance
//    event_seq between its read and its write, so its CAS passes and the invite cannot starve.
//
// Busy detection (docs/decisions.md, "Busy detection") is decided by the same read: it also lists
// the invitees who are MEMBER_TALKING in another live session of the app, and the plan marks them
// MEMBER_BUSY instead of ringing them. Those rows belong to other sessions, which the
// compare-and-set does not cover, and that is fine: the only thing read there is "talking", the
// invite writes nothing another session's writers read, so a member who answers elsewhere at the
// same moment ends in a state some serial order gives — the invite first (rung here while the
// answer lands there) or the answer first (busy here, the event naming that session) — never in a
// mix of both.

// As a second guard, the member upsert only overwrites rows still in a ringable state; should one
// be live anyway (a writer that broke the invariant), the write statement fails and rolls back,
// and the invite answers INVALID_STATE rather than break the limit.

interface InviteAttempt {
  readonly appId: string;
  readonly input: InviteSessionRequest;
  readonly traceId: string;
  readonly deploymentTimeoutSeconds: number;
  /** Busy detection for collaborations that set none (the deployment's default). */
  readonly busyDetectionDefault: boolean;
}

/** The answer, or STALE when the session changed between the read and the write. */
const STALE = Symbol("stale");

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
    // The durable calling timeout: each rung member's deadline, committed with the ring.
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

function membersChangedConcurrently(expected: number): HiarError {
  return new HiarError("INVALID_STATE", "members changed concurrently; retry the invite", {
    details: { expected },
  });
}

/**
 * POST /session/invite (docs/decisions.md, "Invite"): rings `members` into an ongoing session
 * of the caller's app, all or nothing, whatever the number of invitees and without a
 * transaction: one read (collaboration with its limit, calling timeout and busy detection,
 * session with its event_seq, inviter's and invitees' states, live count, and — busy detection
 * on — the invitees talking in another session of the app, who become MEMBER_BUSY instead of
 * ringing), then one write that advances
 * event_seq only if it is still the one read, and upserts the rung members (each with its calling
 * deadline — now() + the collaboration's own timeout, else the deployment's — which the workers'
 * ring clock sweeps) and appends their events (see the comment above for why the member limit
 * holds under any interleaving); only the read when nobody changes or the invite is refused.
 * When the session changed in between, it reads and plans again; after
 * OPTIMISTIC_INVITE_ATTEMPTS such conflicts it locks the session row in a transaction (lock ·
 * read · write). Statement counts: packages/domain/README.md, "Statements per use case". Returns
 * one outcome per invitee, in request order.
 *
 * Errors (HiarError): NOT_FOUND (collaboration or session unknown to the app, or the session is
 * not the collaboration's), INVALID_STATE (session or collaboration ended), PERMISSION_DENIED
 * (inviter not a member, or KICKOUT), MEMBER_LIMIT_EXCEEDED, INVALID_PARAM (request rules).
 */
export async function inviteSession(
  ctx: DomainContext,
  input: InviteSessionRequest,
  options: InviteOptions = {},
): Promise<InviteSessionResult> {
  assertInviteRequest(input);
  const attempt: InviteAttempt = {
    appId: ctx.app.id,
    input,
    traceId: ctx.trace.id,
    // The collaboration's own timeout may replace it.
    deploymentTimeoutSeconds: options.callingTimeoutSeconds ?? ctx.settings.callingTimeoutSeconds,
    busyDetectionDefault: ctx.settings.busyDetection ?? false,
  };
  const ids = { collaborationID: input.collaborationID, sessionID: input.sessionID };
  // IDs that cannot exist need no query (and are NOT_FOUND exactly like absent ones).
  if (!isStoredId(input.collaborationID)) throw collaborationNotFound(ids);
  if (!isStoredId(input.sessionID)) throw sessionNotFound(ids);

  const sessionKey = `${attempt.appId}/${input.sessionID}`;
  if (!recentlyContended.has(sessionKey)) {
    for (let i = 0; i < OPTIMISTIC_INVITE_ATTEMPTS; i++) {
      const result = await attemptInvite(ctx.db, attempt);
      if (result !== STALE) return result;
      recentlyContended.set(sessionKey, true);
    }
  }
  // Contended: queue on the session's row lock like every other writer; nothing can move
  // event_seq between this read and this write.
  return ctx.db.$transaction(async (tx) => {
    await lockSession(tx, {
      appId: attempt.appId,
      sessionId: input.sessionID,
      collaborationId: null,
      userIds: [],
    });
    const result = await attemptInvite(tx, attempt);
    if (result === STALE) throw membersChangedConcurrently(input.members.length);
    return result;
  }, TRANSACTION_OPTIONS);
}
