import { createHmac } from "node:crypto";
import { STANDARD_WEBHOOK_SIGNATURE_VERSION } from "@collab/contracts";

// The body-covering signature of a webhook (Standard Webhooks, symmetric "v1"), sent alongside
// the HiAR headers, whose signature leaves the body out. The key is the app's secret as issued,
// used as its UTF-8 bytes (the same key as HiAR's HMAC, as the spec's migration section allows);
// a receiver using a Standard Webhooks library passes "whsec_" + base64(secret). Sharing the key
// keeps the two MACs apart: a HiAR signing string has a "\n" right after the method, before any
// ".", so it could only read as "{id}.{timestamp}.{body}" with a "\n" in the id, which neither
// this signer nor the SDK's verifier allows; and what we sign here has no "\n" at all (a decimal
// id, digits, and JSON.stringify's output, which escapes newlines), unlike any HiAR string.

export interface StandardWebhookSignInput {
  /** App secrets to sign with, current first; more than one only while rotating a secret. */
  readonly secrets: readonly string[];
  /** webhook-id: the event id. */
  readonly id: string;
  /** webhook-timestamp: unix seconds of the attempt. */
  readonly timestamp: number;
  /** The exact bytes sent as the body. */
  readonly body: Uint8Array;
}

/**
 * The webhook-signature header: `v1,<base64(HMAC-SHA256(secret, "{id}.{timestamp}." + body))>` per
 * secret, space-separated. Throws on an input the scheme cannot carry (no secret, an empty one,
 * an id with "." or whitespace, a timestamp that is not whole seconds).
 */
export function standardWebhookSignature(input: StandardWebhookSignInput): string {
  const { secrets, id, timestamp, body } = input;
  if (secrets.length === 0 || secrets.some((secret) => secret.length === 0)) {
    throw new Error("a webhook needs a non-empty secret to be signed");
  }
  // The parts are joined with "." (and signatures with " "): neither may occur in the id.
  if (!/^[^\s.]+$/.test(id)) throw new Error("a webhook id must not contain '.' or whitespace");
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new Error("a webhook timestamp is whole unix seconds");
  }
  const signedPrefix = `${id}.${timestamp}.`;
  return secrets
    .map((secret) => {
      const mac = createHmac("sha256", secret).update(signedPrefix, "utf8").update(body);
      return `${STANDARD_WEBHOOK_SIGNATURE_VERSION},${mac.digest("base64")}`;
    })
    .join(" ");
}
