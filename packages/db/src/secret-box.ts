import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { processSlot } from "./process-singleton";

// App secrets at rest (docs/decisions.md, "App secrets at rest"). With a key, a stored secret is
//   enc:v1:<keyId>:<iv>:<ciphertext>:<tag>
// AES-256-GCM under the key whose id is keyId (the first 8 bytes of SHA-256 of the key, hex: not
// secret, stable, needs no configuration), a random 12-byte IV, the 16-byte tag; binary parts in
// base64url. The app id is bound as additional data, so a stored secret copied onto another app
// does not decrypt. Without the prefix a stored value is a plaintext secret (rows written before
// a key was set, or with none): secrets are generated base64url, so they can never start "enc:".

const PREFIX = "enc:v1:";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/** A stored secret names a key this process does not have: the server answers UNAVAILABLE. */
export class UnknownSecretKeyError extends Error {
  override readonly name = "UnknownSecretKeyError";
  constructor(readonly keyId: string) {
    super(
      `An app secret is encrypted under key ${keyId}, which is neither APP_SECRET_ENCRYPTION_KEY nor in APP_SECRET_ENCRYPTION_PREVIOUS_KEYS.`,
    );
  }
}

/** A stored secret is not a well-formed `enc:v1:` value, or fails its authentication tag. */
export class CorruptSecretError extends Error {
  override readonly name = "CorruptSecretError";
  constructor(readonly keyId: string | null) {
    super(
      `A stored app secret${keyId ? ` (key ${keyId})` : ""} does not decrypt: it was altered, or copied from another app.`,
    );
  }
}

export interface SecretBox {
  /** The id of the key new secrets are stored under; null: stored as issued. */
  readonly currentKeyId: string | null;
  /** What to store for `secret` of app `appId`: encrypted under the current key, if any. */
  seal(appId: string, secret: string): string;
  /** The secret a stored value holds (plaintext passes through). Throws the errors above. */
  open(appId: string, stored: string): string;
  /** Whether `stored` is already what seal would store (encrypted under the current key, or plaintext without one). */
  isCurrent(stored: string): boolean;
}

export interface SecretBoxKeys {
  /** APP_SECRET_ENCRYPTION_KEY (32 bytes, base64); null or undefined: no encryption. */
  readonly current?: string | null;
  /** APP_SECRET_ENCRYPTION_PREVIOUS_KEYS: for opening only. */
  readonly previous?: readonly string[];
}

/** The id a stored value names its key by. */
export function secretKeyId(key: Buffer): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 16);
}

function decodeKey(base64: string): Buffer {
  const key = Buffer.from(base64, "base64");
  if (key.length !== KEY_BYTES) throw new RangeError("An app secret key must be 32 bytes.");
  return key;
}

/** Whether a stored value is encrypted (any key), as opposed to a plaintext secret. */
export function isSealed(stored: string): boolean {
  return stored.startsWith(PREFIX);
}

/** The key id a stored value is encrypted under, or null for plaintext. */
export function sealedKeyId(stored: string): string | null {
  return isSealed(stored) ? (stored.slice(PREFIX.length).split(":")[0] ?? null) : null;
}

export function createSecretBox(keys: SecretBoxKeys = {}): SecretBox {
  const current = keys.current ? decodeKey(keys.current) : null;
  const currentKeyId = current ? secretKeyId(current) : null;
  const byId = new Map<string, Buffer>();
  for (const key of [...(keys.previous ?? []).map(decodeKey), ...(current ? [current] : [])]) {
    byId.set(secretKeyId(key), key);
  }

  return {
    currentKeyId,
    seal(appId, secret) {
      if (!current || !currentKeyId) return secret;
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", current, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(appId, "utf8"));
      const ciphertext = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
      const tag = cipher.getAuthTag();
      return `${PREFIX}${currentKeyId}:${[iv, ciphertext, tag].map((b) => b.toString("base64url")).join(":")}`;
    },
    open(appId, stored) {
      if (!isSealed(stored)) return stored;
      const parts = stored.slice(PREFIX.length).split(":");
      const [keyId, iv, ciphertext, tag] = parts;
      if (parts.length !== 4 || !keyId || iv === undefined || !ciphertext || tag === undefined) {
        throw new CorruptSecretError(null);
      }
      const key = byId.get(keyId);
      if (!key) throw new UnknownSecretKeyError(keyId);
      const ivBytes = Buffer.from(iv, "base64url");
      const tagBytes = Buffer.from(tag, "base64url");
      if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) {
        throw new CorruptSecretError(keyId);
      }
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, ivBytes, {
          authTagLength: TAG_BYTES,
        });
        decipher.setAAD(Buffer.from(appId, "utf8"));
        decipher.setAuthTag(tagBytes);
        return Buffer.concat([
          decipher.update(Buffer.from(ciphertext, "base64url")),
          decipher.final(),
        ]).toString("utf8");
      } catch {
        throw new CorruptSecretError(keyId);
      }
    },
    isCurrent(stored) {
      return currentKeyId === null ? !isSealed(stored) : sealedKeyId(stored) === currentKeyId;
    },
  };
}

/** No key: secrets are stored and read as issued. */
export const PLAINTEXT_SECRET_BOX: SecretBox = createSecretBox();

const processBox = processSlot<SecretBox>("@collab/db/app-secret-box");

/**
 * Makes `keys` this process's: createDb does it with the settings' `database.appSecretKeys`, so
 * every process that opens the database (server, worker, operator commands) reads and writes
 * app secrets under the deployment's keys. Throws RangeError for a key that is not 32 bytes.
 */
export function useAppSecretKeys(keys: SecretBoxKeys): SecretBox {
  const box = createSecretBox(keys);
  processBox.set(box);
  return box;
}

/**
 * This process's box (useAppSecretKeys; kept on globalThis, so every Next.js bundle sees the
 * entry's): what readers and writers of app secrets use unless handed one. None set: plaintext.
 */
export function appSecretBox(): SecretBox {
  return processBox.get() ?? PLAINTEXT_SECRET_BOX;
}
