export type Rfc3339Result =
  | { readonly ok: true; readonly ms: number }
  | { readonly ok: false; readonly message: string };

// RFC 3339 §5.6 date-time: full-date "T" full-time, time-offset "Z" or ±hh:mm, optional
// fractional seconds. The RFC allows lower-case "t" and "z", so we do too; it does not allow a
// space, a missing offset, a basic (no-colon) offset, or dropping the seconds.
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

const INVALID = "expected an RFC 3339 date-time such as 2022-07-05T17:46:33+08:00";

/**
 * Strict RFC 3339 parser returning epoch milliseconds (fractional seconds truncated to ms).
 * Field ranges are checked, so `2022-02-30T…` fails instead of rolling over as `Date.parse`
 * would. Second 60 (a leap second) is refused: JavaScript time cannot represent it.
 */
export function parseRfc3339(value: string): Rfc3339Result {
  const m = RFC3339.exec(value);
  if (m === null) return { ok: false, message: INVALID };
  const [, y, mo, d, h, mi, s, frac, zulu, sign, oh, om] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return { ok: false, message: INVALID };
  }
  if (hour > 23 || minute > 59 || second > 59) return { ok: false, message: INVALID };

  let offsetMinutes = 0;
  if (zulu === undefined) {
    const offH = Number(oh);
    const offM = Number(om);
    if (offH > 23 || offM > 59) return { ok: false, message: INVALID };
    offsetMinutes = (sign === "-" ? -1 : 1) * (offH * 60 + offM);
  }

  const millis = frac === undefined ? 0 : Number(frac.slice(0, 3).padEnd(3, "0"));
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0–99 to 1900–1999.
  const t = new Date(0);
  t.setUTCFullYear(year, month - 1, day);
  t.setUTCHours(hour, minute, second, millis);
  return { ok: true, ms: t.getTime() - offsetMinutes * 60_000 };
}

/**
 * Formats an instant as RFC 3339 with whole seconds. Default offset is UTC ("Z"): the output
 * then does not depend on the host's time zone, which keeps tests and benchmarks reproducible.
 * A non-zero `offsetMinutes` renders local time with that offset (e.g. 480 → "+08:00"), the
 * style of the doc's examples.
 */
export function formatRfc3339(instant: number | Date, offsetMinutes = 0): string {
  const ms = typeof instant === "number" ? instant : instant.getTime();
  if (!Number.isFinite(ms)) throw new RangeError("formatRfc3339: invalid instant");
  if (!Number.isInteger(offsetMinutes) || Math.abs(offsetMinutes) >= 24 * 60) {
    throw new RangeError("formatRfc3339: offsetMinutes must be an integer within ±23:59");
  }
  const local = new Date(Math.floor(ms / 1000) * 1000 + offsetMinutes * 60_000);
  const year = local.getUTCFullYear();
  if (year < 0 || year > 9999) throw new RangeError("formatRfc3339: year outside 0000–9999");
  const date = `${pad(year, 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
  const time = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
  return `${date}T${time}${formatOffset(offsetMinutes)}`;
}

function formatOffset(offsetMinutes: number): string {
  if (offsetMinutes === 0) return "Z";
  const abs = Math.abs(offsetMinutes);
  return `${offsetMinutes < 0 ? "-" : "+"}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
