import { HiarError } from "@collab/contracts";

/** Latest accepted unix time: 9999-12-31T23:59:59Z (PostgreSQL and JS Date both hold it). */
export const MAX_UNIX_SECONDS = 253_402_300_799;

/**
 * HiAR's unix seconds as the database stores them: 0 → null (unset / unbounded), 1 …
 * MAX_UNIX_SECONDS → that instant. Negative or larger values are INVALID_PARAM at `field`.
 */
export function unixSecondsToDate(seconds: number, field: string): Date | null {
  if (seconds === 0) return null;
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_UNIX_SECONDS) {
    throw new HiarError(
      "INVALID_PARAM",
      `${field}: must be unix seconds from 0 (unset) to ${MAX_UNIX_SECONDS}`,
      { field },
    );
  }
  return new Date(seconds * 1000);
}

/**
 * beginTime/endTime of a request as a pair of instants; both set and end before begin is
 * INVALID_PARAM at `endTime`.
 */
export function timeRange(
  beginTime: number,
  endTime: number,
): { begin: Date | null; end: Date | null } {
  const begin = unixSecondsToDate(beginTime, "beginTime");
  const end = unixSecondsToDate(endTime, "endTime");
  if (begin !== null && end !== null && end.getTime() < begin.getTime()) {
    throw new HiarError("INVALID_PARAM", "endTime: must not be before beginTime", {
      field: "endTime",
    });
  }
  return { begin, end };
}
