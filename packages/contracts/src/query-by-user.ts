import type * as z from "zod";
import { LIMITS } from "./limits";
import { BoolField, IdField, Int32, Int64Field, message, withZero } from "./scalars";

// POST /user/query (按成员查询协作).

export const QueryByUserRequest = message({
  userID: IdField,
  /** Unix seconds; 0 (or absent) = unbounded. */
  beginTime: Int64Field,
  /** Unix seconds; 0 (or absent) = unbounded. */
  endTime: Int64Field,
  /** Page size: 0 or absent → 20 (LIMITS.queryLimitDefault); at most 100. */
  limit: withZero(
    Int32.refine((n) => n >= 0 && n <= LIMITS.queryLimitMax, {
      error: `must be 0–${LIMITS.queryLimitMax} (0 = ${LIMITS.queryLimitDefault})`,
    }).overwrite((n) => (n === 0 ? LIMITS.queryLimitDefault : n)),
    0,
  ),
  offset: withZero(
    Int32.refine((n) => n >= 0, { error: "must be ≥ 0" }),
    0,
  ),
  /** Include ended collaborations. */
  history: BoolField,
});
export type QueryByUserRequest = z.output<typeof QueryByUserRequest>;
export type QueryByUserRequestInput = z.input<typeof QueryByUserRequest>;
