import * as z from "zod";
import { successEnvelopeSchema, TYPE_URLS } from "./envelope";
import { boundedInt32, boundedString, IdField, Int64Field, message, withZero } from "./scalars";
import { UserCall } from "./user-channel";

// POST /user/calls: this project's extension (docs/hiar-api.md, "POST /user/calls"). The calls a
// user of the app was rung for, newest ring first, each with its outcome; paged by an opaque
// cursor, within an optional time window. The console's missed-calls view reads the same.

/** How a call ended for the user, or that it has not ended. */
export const CALL_OUTCOMES = ["answered", "missed", "ongoing"] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/**
 * Why a call was missed: the ring timed out, the user declined, was busy (said so, or busy
 * detection found them talking elsewhere), the ring was cancelled (withdrawn, or the session
 * ended while it rang), or the user was reported offline while it rang.
 */
export const MISSED_REASONS = ["timed_out", "declined", "busy", "cancelled", "offline"] as const;
export type MissedReason = (typeof MISSED_REASONS)[number];

/** Most calls one page returns; the default page. */
export const MAX_USER_CALLS_PAGE = 100;
export const DEFAULT_USER_CALLS_PAGE = 20;

/** The longest cursor the server hands out (a time and a session ID), with room to spare. */
const MAX_CURSOR_LENGTH = 100;

export const UserCallsRequest = message({
  /** The user whose calls are listed. */
  userID: IdField,
  /** Calls rung at or after this time, unix seconds; 0 or absent = unbounded. */
  beginTime: Int64Field,
  /** Calls rung before this time, unix seconds; 0 or absent = unbounded. */
  endTime: Int64Field,
  /** Only calls with this outcome; "" or absent = every call. */
  outcome: withZero(
    z.enum(["", ...CALL_OUTCOMES], {
      error: `must be "", ${CALL_OUTCOMES.map((o) => `"${o}"`).join(", ")}`,
    }),
    "",
  ),
  /** `nextCursor` of the previous page; "" or absent = the newest calls. */
  cursor: withZero(boundedString(0, MAX_CURSOR_LENGTH), ""),
  /** Page size, 1 … 100; 0 or absent: 20. */
  limit: withZero(
    boundedInt32(
      0,
      MAX_USER_CALLS_PAGE,
      `must be 0 (default ${DEFAULT_USER_CALLS_PAGE}) to ${MAX_USER_CALLS_PAGE}`,
    ),
    0,
  ),
});
export type UserCallsRequest = z.output<typeof UserCallsRequest>;
export type UserCallsRequestInput = z.input<typeof UserCallsRequest>;

/** One call of the user (the user channel's UserCall) with its outcome. */
export const UserCallRecord = UserCall.extend({
  outcome: z.enum(CALL_OUTCOMES),
  /** Why it was missed; null unless outcome is "missed". */
  missedReason: z.enum(MISSED_REASONS).nullable(),
});
export type UserCallRecord = z.output<typeof UserCallRecord>;

export const UserCallsResp = z.object({
  /** Newest ring first. */
  calls: z.array(UserCallRecord),
  /** Send as `cursor` for the next page; "" when there is none. */
  nextCursor: z.string(),
  /** More calls follow this page. */
  hasMore: z.boolean(),
});
export type UserCallsResp = z.output<typeof UserCallsResp>;

export const UserCallsRespAny = UserCallsResp.extend({
  "@type": z.literal(TYPE_URLS.UserCallsResp),
});
export type UserCallsRespAny = z.output<typeof UserCallsRespAny>;

export function userCallsRespAny(resp: UserCallsResp): UserCallsRespAny {
  return { "@type": TYPE_URLS.UserCallsResp, ...resp };
}

export const UserCallsResponse = successEnvelopeSchema(UserCallsRespAny);
