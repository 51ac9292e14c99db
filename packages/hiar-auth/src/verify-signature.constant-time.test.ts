import * as crypto from "node:crypto";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { DOC } from "./doc-example.fixture";
import { candidateSigningStrings, verifySignature } from "./verify-signature";

// Spy on timingSafeEqual to prove every candidate is compared, with no early exit.
vi.mock("node:crypto", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:crypto")>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

const REQUEST = {
  secret: DOC.secret,
  method: "GET",
  path: "/account/v1/user",
  rawQuery: DOC.query,
  appId: DOC.appId,
  date: DOC.date,
  nonce: DOC.nonce,
};

describe("verifySignature timing", () => {
  const spy = vi.mocked(crypto.timingSafeEqual);
  // Block body: a function returned from beforeEach would be run as teardown.
  beforeEach(() => {
    spy.mockClear();
  });

  it.each([
    ["matches the first candidate", DOC.signature],
    ["matches a later candidate", DOC.signatureSortedQuery],
    ["matches none", `${"A".repeat(43)}=`],
  ])("compares every candidate when the signature %s", (_, signature) => {
    const expected = candidateSigningStrings(REQUEST).length;
    expect(expected).toBe(8);
    verifySignature({ ...REQUEST, signature });
    expect(spy).toHaveBeenCalledTimes(expected);
    for (const [a, b] of spy.mock.calls) {
      expect(a.byteLength).toBe(32);
      expect(b.byteLength).toBe(32);
    }
  });

  it.each([
    ["the new secret", "other-secret-0000000000000000000", DOC.secret],
    ["the previous secret", DOC.secret, "other-secret-0000000000000000000"],
    ["neither", "other-secret-0000000000000000000", "third-secret-000000000000000000"],
  ])("compares every candidate under every secret when %s signed", (_, first, second) => {
    const result = verifySignature({
      ...REQUEST,
      secret: [first, second],
      signature: DOC.signature,
    });
    expect(result).toBe(first === DOC.secret || second === DOC.secret);
    expect(spy).toHaveBeenCalledTimes(2 * candidateSigningStrings(REQUEST).length);
  });
});
