import { LIMITS } from "@collab/contracts";
import {
  HEADER_APP_ID,
  HEADER_APPID_ALIAS,
  HEADER_DATE,
  HEADER_NONCE,
  HEADER_SIGNATURE,
  HEADER_TRACE,
  sign,
  signingString,
} from "@collab/hiar-auth";

// The HiAR signature as OpenAPI security schemes: four header "API keys" that must all be sent
// (one security requirement naming the four). OpenAPI cannot express an HMAC, so each scheme's
// description spells out how its value is made, with HiAR's worked example.

/** Inputs of the worked example in HiAR's API access guide; the signature is computed below. */
export const SIGNING_EXAMPLE_INPUT = {
  secret: "IkcyCWpRxjCztzvOjHdLKKfgTpzmCqQ1",
  method: "get",
  path: "/account/v1/user",
  query: "page=1&limit=10",
  appId: "hiar1d98ncv515f5e1",
  date: "2022-07-05T17:46:33+08:00",
  nonce: "5a71e2ec-fc47-11ec-81db-acde48001122",
} as const;

export function signingExample() {
  const { secret: _secret, ...fields } = SIGNING_EXAMPLE_INPUT;
  return {
    ...SIGNING_EXAMPLE_INPUT,
    signingString: signingString(fields),
    signature: sign(SIGNING_EXAMPLE_INPUT),
  };
}

export const SECURITY_SCHEME_NAMES = {
  appId: "HiarAppId",
  nonce: "HiarNonce",
  date: "HiarDate",
  signature: "HiarSignature",
} as const;

/** The one requirement every operation has: all four headers together. */
export const HIAR_SECURITY_REQUIREMENT = Object.fromEntries(
  Object.values(SECURITY_SCHEME_NAMES).map((name) => [name, []]),
);

const SEE = "See “Authentication” in the introduction.";

export function securitySchemes() {
  const apiKey = (header: string, description: string) => ({
    type: "apiKey",
    in: "header",
    name: header,
    description: `${description} ${SEE}`,
  });
  return {
    [SECURITY_SCHEME_NAMES.appId]: apiKey(HEADER_APP_ID, "Your app's id (APPID)."),
    [SECURITY_SCHEME_NAMES.nonce]: apiKey(
      HEADER_NONCE,
      "A fresh random UUID for every request (also for every retry); a nonce is accepted " +
        "once per app while its date is inside the window.",
    ),
    [SECURITY_SCHEME_NAMES.date]: apiKey(
      HEADER_DATE,
      `RFC 3339 time of the request, e.g. 2022-07-05T09:46:33Z; refused when more than ` +
        `${LIMITS.dateWindowSeconds} s from the server clock, either way.`,
    ),
    [SECURITY_SCHEME_NAMES.signature]: apiKey(
      HEADER_SIGNATURE,
      "base64(HMAC-SHA256(key = app secret, message = signing string)), where signing string " +
        '= method + "\\n" + path + "\\n" + query + "\\n" + APPID + "\\n" + date + "\\n" + ' +
        'nonce + "\\n". The secret itself is never sent.',
    ),
  };
}

/** Optional request headers every operation takes besides the four signed ones. */
export function commonParameters() {
  return {
    Trace: {
      name: HEADER_TRACE,
      in: "header",
      required: false,
      description:
        "Your request id (letters, digits, `_.:-`, at most 128). Echoed in the `trace` " +
        "response header and written to the server's log line; one is generated when absent.",
      schema: { type: "string", pattern: "^[\\w.:-]{1,128}$" },
      example: "abcdefghij",
    },
    AppIdAlias: {
      name: HEADER_APPID_ALIAS,
      in: "header",
      required: false,
      description: `HiAR's pages also list this header; when sent it must equal ${HEADER_APP_ID}.`,
      schema: { type: "string" },
    },
  };
}

export function commonHeaders() {
  return {
    Trace: {
      description: "The request's trace id: the `trace` you sent, or one the server generated.",
      schema: { type: "string" },
    },
    RetryAfter: {
      description: "Seconds to wait before retrying (with a fresh nonce and date).",
      schema: { type: "integer", minimum: 0 },
    },
  };
}
