import { describe, expect, it } from "vitest";
import { canonicalQuery } from "./canonical-query";
import { DOC } from "./doc-example.fixture";
import { sign } from "./sign";
import { signingString } from "./signing-string";
import { verifySignature } from "./verify-signature";

// The three facts the doc's worked example fixes: base64 (not hex) of the raw digest, the
// method in lower case, the query as sent (not sorted).
describe("the doc's worked example", () => {
  it("builds the doc's signing string byte for byte", () => {
    expect(signingString(DOC)).toBe(DOC.signingString);
  });

  it("signs to the doc's signature", () => {
    expect(sign(DOC)).toBe(DOC.signature);
  });

  it("gives the documented signature for upper-case GET", () => {
    expect(sign({ ...DOC, method: "GET" })).toBe(DOC.signatureUpperMethod);
  });

  it("gives the documented signature for the sorted query", () => {
    const sorted = canonicalQuery(DOC.query);
    expect(sorted).toBe("limit=10&page=1");
    expect(sign({ ...DOC, query: sorted })).toBe(DOC.signatureSortedQuery);
  });

  it.each([
    ["lower-case method, query as sent", DOC.signature],
    ["upper-case method", DOC.signatureUpperMethod],
    ["sorted query", DOC.signatureSortedQuery],
  ])("verifies the request GET /account/v1/user?page=1&limit=10 signed with %s", (_, signature) => {
    const ok = verifySignature({
      secret: DOC.secret,
      method: "GET",
      path: "/account/v1/user",
      rawQuery: "page=1&limit=10",
      appId: DOC.appId,
      date: DOC.date,
      nonce: DOC.nonce,
      signature,
    });
    expect(ok).toBe(true);
  });
});
