import { createHmac } from "node:crypto";
import { standardWebhookSecret, verifyStandardWebhook } from "@collab/sdk";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { standardWebhookSignature } from "./signature";

// The signer on the SDK's fixed vector (packages/sdk/src/standard-webhook.test.ts), with several
// secrets (rotation), and checked by the published standardwebhooks library.

const secret = "IkcyCWpRxjCztzvOjHdLKKfgTpzmCqQ1";
const id = "1042";
const timestamp = 1_764_323_193;
const body = Buffer.from(
  '{"eventID":"1042","type":"member.timeout","appID":"hiar1d98ncv515f5e1","collaborationID":"c0ffee00c0ffee00c0ffee00c0ffee00","sessionID":"5e55105e55105e55105e55105e551050","seq":7,"time":"2025-11-28T09:46:33.120Z","actorID":null,"subjectID":"bob","fromState":"MEMBER_CALLING","toState":"MEMBER_TIMEOUT","traceID":null,"payload":{"collaborationID":"c0ffee00c0ffee00c0ffee00c0ffee00","invitedAt":"2025-11-28T09:45:33.090Z"}}',
);
const vector = "v1,ncoEPS+0G/Yqs2wWfqXpKkX+xZcW9ESykHpV4VX/jVk=";

describe("standardWebhookSignature", () => {
  it("gives the fixed vector, which is HMAC-SHA256 over id.timestamp.body with the secret's bytes", () => {
    expect(standardWebhookSignature({ secrets: [secret], id, timestamp, body })).toBe(vector);
    const byHand = createHmac("sha256", Buffer.from(secret))
      .update(Buffer.concat([Buffer.from(`${id}.${timestamp}.`), body]))
      .digest("base64");
    expect(vector).toBe(`v1,${byHand}`);
  });

  it("signs the bytes, not a string: multi-byte UTF-8 bodies verify with the library", () => {
    const utf8 = Buffer.from(JSON.stringify({ eventID: "7", subjectID: "bób 🙂\u2028" }));
    const now = Math.floor(Date.now() / 1000);
    const signature = standardWebhookSignature({
      secrets: [secret],
      id: "7",
      timestamp: now,
      body: utf8,
    });
    const headers = {
      "webhook-id": "7",
      "webhook-timestamp": String(now),
      "webhook-signature": signature,
    };
    expect(new Webhook(standardWebhookSecret(secret)).verify(utf8, headers)).toStrictEqual({
      eventID: "7",
      subjectID: "bób 🙂\u2028",
    });
  });

  it("sends one signature per secret, space-separated, each verifiable on its own", () => {
    const next = "N3wSecretN3wSecretN3wSecretN3wSe";
    const header = standardWebhookSignature({ secrets: [next, secret], id, timestamp, body });
    const [first, second, ...rest] = header.split(" ");
    expect(rest).toStrictEqual([]);
    expect(second).toBe(vector);
    expect(first).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    const headers = {
      "webhook-id": id,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": header,
    };
    const now = new Date(timestamp * 1000);
    // A receiver that has either secret accepts the webhook.
    for (const key of [secret, next]) {
      expect(verifyStandardWebhook(body, headers, key, { now })).toMatchObject({ ok: true });
    }
    expect(
      verifyStandardWebhook(body, headers, "0therSecret0therSecret0therSecre", { now }),
    ).toMatchObject({ reason: "SIGNATURE_MISMATCH" });
  });

  it("refuses what the scheme cannot carry", () => {
    const sign = (input: Partial<Parameters<typeof standardWebhookSignature>[0]>) => () =>
      standardWebhookSignature({ secrets: [secret], id, timestamp, body, ...input });
    expect(sign({ secrets: [] })).toThrow(/secret/);
    expect(sign({ secrets: [""] })).toThrow(/secret/);
    expect(sign({ id: "10.42" })).toThrow(/id/);
    expect(sign({ id: "" })).toThrow(/id/);
    expect(sign({ timestamp: 1.5 })).toThrow(/timestamp/);
  });
});
