import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { pathCandidates } from "./capability-prefix";
import { sign } from "./sign";
import { candidateSigningStrings, verifySignature } from "./verify-signature";

const SECRET = "IkcyCWpRxjCztzvOjHdLKKfgTpzmCqQ1";
const APP_ID = "hiar1d98ncv515f5e1";
const DATE = "2022-07-05T17:46:33+08:00";
const NONCE = "5a71e2ec-fc47-11ec-81db-acde48001122";

// What the server received: POST /session/invite?b=2&a=1 (the gateway stripped /leliaRTC).
const RECEIVED = {
  secret: SECRET,
  method: "POST",
  path: "/session/invite",
  rawQuery: "b=2&a=1",
  appId: APP_ID,
  date: DATE,
  nonce: NONCE,
};

interface ClientSigned {
  secret?: string;
  method?: string;
  path?: string;
  query?: string;
  appId?: string;
  date?: string;
  nonce?: string;
}

/** A signature as some client computed it; defaults to the doc's canonical form. */
function clientSignature(over: ClientSigned = {}): string {
  return sign({
    secret: SECRET,
    method: "post",
    path: "/session/invite",
    query: "b=2&a=1",
    appId: APP_ID,
    date: DATE,
    nonce: NONCE,
    ...over,
  });
}

describe("verifySignature accepts what a conforming client may sign", () => {
  it.each<[string, ClientSigned]>([
    ["lower-case method, query as sent", {}],
    ["upper-case method", { method: "POST" }],
    ["canonical query", { query: "a=1&b=2" }],
    ["upper-case method and canonical query", { method: "POST", query: "a=1&b=2" }],
    ["the gateway path (prefix added)", { path: "/leliaRTC/session/invite" }],
    [
      "every variant at once",
      { method: "POST", query: "a=1&b=2", path: "/leliaRTC/session/invite" },
    ],
  ])("%s", (_, over) => {
    expect(verifySignature({ ...RECEIVED, signature: clientSignature(over) })).toBe(true);
  });

  it("accepts a request received with the prefix and signed without it (prefix stripped)", () => {
    const received = { ...RECEIVED, path: "/leliaRTC/session/invite" };
    expect(verifySignature({ ...received, signature: clientSignature() })).toBe(true);
    const alsoAsSent = clientSignature({ path: "/leliaRTC/session/invite" });
    expect(verifySignature({ ...received, signature: alsoAsSent })).toBe(true);
  });

  it("accepts the lower-case method whatever case the server reports", () => {
    for (const method of ["post", "POST", "Post"]) {
      expect(verifySignature({ ...RECEIVED, method, signature: clientSignature() })).toBe(true);
    }
  });

  it("honours a configured prefix", () => {
    const signature = clientSignature({ path: "/hris/session/invite" });
    expect(verifySignature({ ...RECEIVED, signature, capabilityPrefix: "/hris" })).toBe(true);
  });

  it("accepts a query-less request", () => {
    const received = { ...RECEIVED, rawQuery: "" };
    expect(verifySignature({ ...received, signature: clientSignature({ query: "" }) })).toBe(true);
  });
});

describe("verifySignature refuses", () => {
  it.each<[string, ClientSigned]>([
    ["a wrong secret", { secret: "IkcyCWpRxjCztzvOjHdLKKfgTpzmCqQ2" }],
    ["a wrong path", { path: "/session/kick" }],
    ["another app id", { appId: "hiar-other-app" }],
    ["another nonce", { nonce: "5a71e2ec-fc47-11ec-81db-acde48001123" }],
    ["another date", { date: "2022-07-05T17:46:34+08:00" }],
    ["the same instant written differently", { date: "2022-07-05T09:46:33Z" }],
    ["another method (another body-free request)", { method: "delete" }],
    ["another query value (another body-free request)", { query: "b=2&a=2" }],
    ["an order that is neither as sent nor canonical", { query: "b=2&a=1&" }],
    ["a mixed-case method", { method: "Post" }],
    ["a different prefix than configured", { path: "/hris/session/invite" }],
  ])("a signature over %s", (_, over) => {
    expect(verifySignature({ ...RECEIVED, signature: clientSignature(over) })).toBe(false);
  });

  it("the prefixed form when the prefix tolerance is disabled", () => {
    const signature = clientSignature({ path: "/leliaRTC/session/invite" });
    expect(verifySignature({ ...RECEIVED, signature, capabilityPrefix: null })).toBe(false);
    expect(
      verifySignature({ ...RECEIVED, signature: clientSignature(), capabilityPrefix: null }),
    ).toBe(true);
  });

  it("a truncated signature", () => {
    const full = clientSignature();
    for (const signature of [full.slice(0, 43), full.slice(0, 40), ""]) {
      expect(verifySignature({ ...RECEIVED, signature })).toBe(false);
    }
  });

  it("the hex digest instead of base64", () => {
    const message = `post\n/session/invite\nb=2&a=1\n${APP_ID}\n${DATE}\n${NONCE}\n`;
    const hex = createHmac("sha256", SECRET).update(message).digest("hex");
    // Control: the same digest in base64 does verify, so only the encoding is wrong.
    const base64 = Buffer.from(hex, "hex").toString("base64");
    expect(verifySignature({ ...RECEIVED, signature: base64 })).toBe(true);
    expect(verifySignature({ ...RECEIVED, signature: hex })).toBe(false);
  });

  it("the base64url spelling of a valid signature", () => {
    const signature = "+TfnNKz8XTvZJNpFSrnlLk+3m1swS+jhRuKxemo7YLQ=";
    const doc = {
      secret: SECRET,
      method: "GET",
      path: "/account/v1/user",
      rawQuery: "page=1&limit=10",
      appId: APP_ID,
      date: DATE,
      nonce: NONCE,
    };
    expect(verifySignature({ ...doc, signature })).toBe(true);
    const url = signature.replaceAll("+", "-").replaceAll("/", "_");
    expect(verifySignature({ ...doc, signature: url })).toBe(false);
  });
});

describe("candidateSigningStrings", () => {
  const base = RECEIVED;

  it("tries method case × query form × prefix, each once", () => {
    expect(candidateSigningStrings(base)).toHaveLength(8);
    // Query already canonical: the two query forms coincide.
    expect(candidateSigningStrings({ ...base, rawQuery: "a=1&b=2" })).toHaveLength(4);
    expect(candidateSigningStrings({ ...base, rawQuery: "" })).toHaveLength(4);
    expect(candidateSigningStrings({ ...base, rawQuery: "", capabilityPrefix: null })).toHaveLength(
      2,
    );
  });
});

describe("pathCandidates", () => {
  it("strips a prefix on a segment boundary, or adds it", () => {
    expect(pathCandidates("/leliaRTC/session/invite", "/leliaRTC")).toEqual([
      "/leliaRTC/session/invite",
      "/session/invite",
    ]);
    expect(pathCandidates("/session/invite", "/leliaRTC")).toEqual([
      "/session/invite",
      "/leliaRTC/session/invite",
    ]);
    expect(pathCandidates("/leliaRTC", "/leliaRTC")).toEqual(["/leliaRTC", "/"]);
    expect(pathCandidates("/leliaRTCx/a", "/leliaRTC")).toEqual([
      "/leliaRTCx/a",
      "/leliaRTC/leliaRTCx/a",
    ]);
    expect(pathCandidates("/a", null)).toEqual(["/a"]);
  });

  it.each(["leliaRTC", "/leliaRTC/", "", "/", "/a b"])("refuses the prefix %j", (prefix) => {
    expect(() => pathCandidates("/a", prefix)).toThrow(RangeError);
  });
});
