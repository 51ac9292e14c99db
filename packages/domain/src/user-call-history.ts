import {
  DEFAULT_USER_CALLS_PAGE,
  HiarError,
  type UserCallRecord,
  type UserCallsRequest,
  type UserCallsResp,
} from "@collab/contracts";
import { type CallHistoryPosition, findUserCallHistory } from "@collab/db";
import { callOutcome, callOutcomeKeys, OUTCOME_EVENT_TYPES } from "./call-outcome";
import type { DomainContext } from "./context";
import { isStoredId } from "./ids";
import { timeRange } from "./times";
import { userCallView } from "./user-calls";

// POST /user/calls (docs/hiar-api.md, "POST /user/calls") and the console's missed calls: a
// user's calls, newest ring first, with their outcome (call-outcome.ts), paged by cursor.

/** A cursor: the last call's ring time (unix ms) and session ID, "<ms>.<sessionID>". */
const CURSOR = /^(\d{1,15})\.([0-9a-f]{32})$/;

function encodeCursor(position: CallHistoryPosition): string {
  return `${position.invitedAt.getTime()}.${position.sessionId}`;
}

function decodeCursor(cursor: string): CallHistoryPosition | null {
  if (cursor === "") return null;
  const match = CURSOR.exec(cursor);
  const sessionId = match?.[2];
  if (match === null || sessionId === undefined || !isStoredId(sessionId)) {
    throw new HiarError("INVALID_PARAM", "cursor: not a cursor this service handed out", {
      field: "cursor",
    });
  }
  return { invitedAt: new Date(Number(match[1])), sessionId };
}

/**
 * The calls `userID` was rung for in the caller's app (the member rows an invite wrote, one per
 * session: the latest ring there), newest ring first, with their outcome and, when missed, why;
 * only `outcome`'s when set; rung within [beginTime, endTime) when set (unix seconds, 0 =
 * unbounded); at most `limit` (0 = 20) after `cursor`, with the cursor of the next page. A user
 * who was never rung has no calls (not an error). INVALID_PARAM for a cursor the service did not
 * hand out or endTime before beginTime. ONE statement.
 */
export async function fetchUserCalls(
  ctx: DomainContext,
  input: UserCallsRequest,
): Promise<UserCallsResp> {
  const { begin, end } = timeRange(input.beginTime, input.endTime);
  const after = decodeCursor(input.cursor);
  const limit = input.limit === 0 ? DEFAULT_USER_CALLS_PAGE : input.limit;
  const keys = callOutcomeKeys(input.outcome === "" ? null : input.outcome);
  // One more than the page tells whether more follow.
  const rows = await findUserCallHistory(ctx.db, {
    appId: ctx.app.id,
    userId: input.userID,
    since: begin,
    until: end,
    after,
    distinctTypes: OUTCOME_EVENT_TYPES,
    keys: {
      states: keys.map((k) => k.state),
      eventTypes: keys.map((k) => k.eventType),
      fromStates: keys.map((k) => k.fromState),
    },
    limit: limit + 1,
  });
  const page = rows.slice(0, limit);
  const calls = page.flatMap((row): UserCallRecord[] => {
    const result = callOutcome({
      memberSessionState: row.memberSessionState,
      lastEventType: row.lastEventType,
      lastFromState: row.lastFromState,
    });
    // The SQL kept only rows the rule classifies; null cannot come back.
    return result === null ? [] : [{ ...userCallView(row), ...result }];
  });
  const last = page.at(-1);
  const hasMore = rows.length > limit;
  return {
    calls,
    nextCursor:
      hasMore && last?.invitedAt != null
        ? encodeCursor({ invitedAt: last.invitedAt, sessionId: last.sessionId })
        : "",
    hasMore,
  };
}
