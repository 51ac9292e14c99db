import { randomBytes, randomUUID } from "node:crypto";

/** A collaboration or session id: 32 lowercase hex characters (a random UUID without dashes). */
export function newId(): string {
  return randomUUID().replaceAll("-", "");
}

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** `length` characters drawn uniformly from `alphabet` with a CSPRNG (rejection sampling). */
function randomString(alphabet: string, length: number): string {
  const limit = 256 - (256 % alphabet.length);
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit) out += alphabet[byte % alphabet.length];
      if (out.length === length) break;
    }
  }
  return out;
}

/** A new APPID: `hiar` + 16 lowercase hex characters (64 random bits), like HiAR's own ids. */
export function newAppId(): string {
  return `hiar${randomBytes(8).toString("hex")}`;
}

/** A new app secret: 32 characters of [A-Za-z0-9] (≈190 random bits), like HiAR's own secrets. */
export function newSecret(): string {
  return randomString(ALPHANUMERIC, 32);
}
