import { type Database, sweepDueCallingTimeouts, type TimedOutMember } from "@collab/db";
import { EVENT_TYPES } from "./events";

/** Due rings one sweep takes at most, by default (one statement moves them all). */
export const DEFAULT_SWEEP_BATCH_SIZE = 500;

export interface CallingTimeoutSweepResult {
  /** The members moved CALLING → TIMEOUT by this sweep, each with its event's seq. */
  readonly timedOut: readonly TimedOutMember[];
  /**
   * The batch was full and progressed: more rings may be due right now, sweep again at once.
   * False when fewer were due, or when none of the due ones could be taken (their sessions were
   * locked by other transactions: retrying at once would only spin).
   */
  readonly more: boolean;
  /** Milliseconds until the next ring falls due (database clock); null when none is ringing. */
  readonly nextDueInMs: number | null;
}

/**
 * The calling timeout (docs/decisions.md, "Calling timeout": a rung member who does not answer within the timeout becomes
 * MEMBER_TIMEOUT), run by the workers' ring clock. The invite stored each ring's deadline; this
 * takes up to `batchSize` rings that are past it and, for those still MEMBER_CALLING, makes the
 * change every transition makes — under the session's lock (taken first, SKIP LOCKED), the member
 * CALLING → TIMEOUT, one member.timeout event each (actor and trace null: the server did it;
 * payload { collaborationID, invitedAt }) with the session's next seqs — all in ONE statement,
 * which is its own transaction. A member who answered, declined, … or was rung again (a new
 * deadline) is never touched; any number of sweepers may run at once, and each due member is
 * timed out exactly once. A sweep interrupted by a crash or a database restart commits nothing,
 * and the next one takes the same rings.
 */
export async function timeOutDueCalls(
  deps: { readonly db: Database },
  options: { readonly batchSize?: number } = {},
): Promise<CallingTimeoutSweepResult> {
  const batchSize = options.batchSize ?? DEFAULT_SWEEP_BATCH_SIZE;
  const sweep = await sweepDueCallingTimeouts(deps.db, {
    batchSize,
    eventType: EVENT_TYPES.memberTimedOut,
  });
  return {
    timedOut: sweep.timedOut,
    more: sweep.due >= batchSize && sweep.timedOut.length > 0,
    nextDueInMs: sweep.nextDueInMs,
  };
}
