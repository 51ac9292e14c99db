import { describe, expect, it } from "vitest";
import { DOC } from "./doc-example.fixture";
import {
  HEADER_APP_ID,
  HEADER_APPID_ALIAS,
  HEADER_DATE,
  HEADER_NONCE,
  HEADER_SIGNATURE,
} from "./headers";
import { parseAuthHeaders } from "./parse-auth-headers";

const VALID = {
  [HEADER_APP_ID]: DOC.appId,
  [HEADER_NONCE]: DOC.nonce,
  [HEADER_DATE]: DOC.date,
  [HEADER_SIGNATURE]: DOC.signature,
};

const PARSED = {
  ok: true,
  appId: DOC.appId,
  nonce: DOC.nonce,
  date: DOC.date,
  dateMs: Date.UTC(2022, 6, 5, 9, 46, 33),
  signature: DOC.signature,
};

function failure(headers: Record<string, string>): string {
  const r = parseAuthHeaders(headers);
  if (r.ok) throw new Error("expected a failure");
  expect(r.reason).toBe("UNAUTHENTICATED");
  return r.message;
}

describe("parseAuthHeaders", () => {
  it("reads the four headers", () => {
    expect(parseAuthHeaders(VALID)).toEqual(PARSED);
  });

  it("ignores header-name case, in records and Headers objects", () => {
    const lower = Object.fromEntries(Object.entries(VALID).map(([k, v]) => [k.toLowerCase(), v]));
    expect(parseAuthHeaders(lower)).toEqual(PARSED);
    const mixed = new Headers({
      "X-Hiar-Openapi-Appid": DOC.appId,
      "x-HIAR-openapi-NONCE": DOC.nonce,
      "X-HIAR-OPENAPI-date": DOC.date,
      "x-hiar-openapi-signature": DOC.signature,
      AppID: DOC.appId,
    });
    expect(parseAuthHeaders(mixed)).toEqual(PARSED);
  });

  it.each([HEADER_APP_ID, HEADER_NONCE, HEADER_DATE, HEADER_SIGNATURE])(
    "names a missing %s",
    (header) => {
      const { [header as keyof typeof VALID]: _, ...rest } = VALID;
      expect(failure(rest)).toBe(`missing or empty header ${header}`);
      expect(failure({ ...VALID, [header]: "" })).toBe(`missing or empty header ${header}`);
    },
  );

  it("accepts an appid header equal to X-HIAR-OPENAPI-APPID", () => {
    expect(parseAuthHeaders({ ...VALID, [HEADER_APPID_ALIAS]: DOC.appId })).toEqual(PARSED);
  });

  it.each(["hiar-other", "", DOC.appId.toUpperCase()])(
    "refuses an appid header %j that differs",
    (alias) => {
      expect(failure({ ...VALID, [HEADER_APPID_ALIAS]: alias })).toBe(
        `header appid does not match ${HEADER_APP_ID}`,
      );
    },
  );

  it.each([
    ["hex digest", "f937e734acfc5d3bd924da454ab9e52e4fb79b5b304be8e146e2b17a6a3b60b4"],
    ["truncated", DOC.signature.slice(0, 43)],
    ["unpadded", DOC.signature.slice(0, 43).padEnd(44, "A")],
    ["base64url", DOC.signature.replace("+", "-")],
    ["non-canonical final bits", `${DOC.signature.slice(0, 42)}R=`],
    ["base64 of 33 bytes", Buffer.alloc(33, 1).toString("base64")],
    ["repeated header", `${DOC.signature}, ${DOC.signature}`],
  ])("refuses a malformed signature (%s) without echoing it", (_, signature) => {
    const message = failure({ ...VALID, [HEADER_SIGNATURE]: signature });
    expect(message).toMatch(/^malformed header X-HIAR-OPENAPI-SIGNATURE: /);
    expect(message).not.toContain(signature);
  });

  it.each(["2022-07-05 17:46:33", "2022-07-05T17:46:33", "garbage"])(
    "refuses a malformed date %j",
    (date) => {
      expect(failure({ ...VALID, [HEADER_DATE]: date })).toMatch(
        /^malformed header X-HIAR-OPENAPI-DATE: /,
      );
    },
  );

  it.each([
    ["129 characters", "n".repeat(129)],
    ["an inner space", "a b"],
    ["a control character", "a\u0001b"],
    ["non-ASCII", "nonce-é"],
  ])("refuses a nonce with %s", (_, nonce) => {
    expect(failure({ ...VALID, [HEADER_NONCE]: nonce })).toMatch(
      /^malformed header X-HIAR-OPENAPI-NONCE: /,
    );
  });

  it("accepts a 128-character nonce", () => {
    const nonce = "n".repeat(128);
    expect(parseAuthHeaders({ ...VALID, [HEADER_NONCE]: nonce })).toEqual({ ...PARSED, nonce });
  });

  it("refuses an app id with spaces or over 128 characters", () => {
    for (const appId of ["a b", "a".repeat(129)]) {
      expect(failure({ ...VALID, [HEADER_APP_ID]: appId })).toMatch(
        /^malformed header X-HIAR-OPENAPI-APPID: /,
      );
    }
  });
});
