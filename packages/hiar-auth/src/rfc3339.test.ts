import { describe, expect, it } from "vitest";
import { formatRfc3339, parseRfc3339 } from "./rfc3339";

const DOC_DATE_MS = Date.UTC(2022, 6, 5, 9, 46, 33); // 2022-07-05T17:46:33+08:00

function ms(value: string): number | undefined {
  const r = parseRfc3339(value);
  return r.ok ? r.ms : undefined;
}

describe("parseRfc3339", () => {
  it.each([
    ["2022-07-05T17:46:33+08:00", DOC_DATE_MS],
    ["2022-07-05T09:46:33Z", DOC_DATE_MS],
    ["2022-07-05t09:46:33z", DOC_DATE_MS],
    ["2022-07-05T04:16:33-05:30", DOC_DATE_MS],
    ["2022-07-05T09:46:33+00:00", DOC_DATE_MS],
    ["2022-07-05T09:46:33-00:00", DOC_DATE_MS],
    ["2022-07-05T09:46:33.5Z", DOC_DATE_MS + 500],
    ["2022-07-05T09:46:33.123456789Z", DOC_DATE_MS + 123],
    ["2024-02-29T00:00:00Z", Date.UTC(2024, 1, 29)],
    ["0001-01-01T00:00:00Z", Date.parse("0001-01-01T00:00:00Z")],
  ])("accepts %s", (value, expected) => {
    expect(ms(value)).toBe(expected);
  });

  it.each([
    "2022-07-05 17:46:33", // space, no offset
    "2022-07-05 17:46:33+08:00", // space instead of T
    "2022-07-05T17:46:33", // no offset
    "2022-07-05T17:46:33+0800", // offset without colon
    "2022-07-05T17:46+08:00", // no seconds
    "2022-07-05T17:46:33.Z", // empty fraction
    "2022-7-5T17:46:33Z",
    "2022-13-05T17:46:33Z",
    "2022-02-29T00:00:00Z", // not a leap year
    "2022-04-31T00:00:00Z",
    "2022-07-05T24:00:00Z",
    "2022-07-05T17:60:00Z",
    "2022-07-05T17:46:60Z", // leap second: not representable
    "2022-07-05T17:46:33+24:00",
    "Tue, 05 Jul 2022 09:46:33 GMT",
    "1657014393",
    "garbage",
    "",
    " 2022-07-05T17:46:33Z",
    "2022-07-05T17:46:33Z\n",
  ])("refuses %j", (value) => {
    expect(parseRfc3339(value).ok).toBe(false);
  });
});

describe("formatRfc3339", () => {
  it("formats UTC with Z and whole seconds", () => {
    expect(formatRfc3339(DOC_DATE_MS + 999)).toBe("2022-07-05T09:46:33Z");
    expect(formatRfc3339(new Date(DOC_DATE_MS))).toBe("2022-07-05T09:46:33Z");
  });

  it("formats with a given offset, the doc's style", () => {
    expect(formatRfc3339(DOC_DATE_MS, 480)).toBe("2022-07-05T17:46:33+08:00");
    expect(formatRfc3339(DOC_DATE_MS, -330)).toBe("2022-07-05T04:16:33-05:30");
  });

  it("round-trips through parseRfc3339", () => {
    for (const offset of [0, 480, -330]) {
      expect(ms(formatRfc3339(DOC_DATE_MS, offset))).toBe(DOC_DATE_MS);
    }
  });

  it("refuses an invalid instant or offset", () => {
    expect(() => formatRfc3339(Number.NaN)).toThrow(RangeError);
    expect(() => formatRfc3339(0, 24 * 60)).toThrow(RangeError);
  });
});
