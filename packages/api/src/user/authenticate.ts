import { HiarError } from "@collab/contracts";
import {
  type AppSecretCache,
  acceptedSecrets,
  createAppSecretCache,
  type Database,
} from "@collab/db";
import { verifyUserToken } from "@collab/user-token";
import type { UserIdentity } from "../context";

// User tokens are verified on every call against the app's current secret, read through a
// short-lived bounded cache (the REST API's kind): one statement per app every few seconds at
// most, whatever tokens clients send. A changed secret is noticed within the cache's TTL (5 s).

const CACHES = Symbol.for("@collab/api/user-token-secrets");
type CacheStore = Record<symbol, WeakMap<Database, AppSecretCache> | undefined>;

/** The process's secret cache for user tokens of this database client. */
export function userTokenSecretsFor(db: Database): AppSecretCache {
  const store = globalThis as unknown as CacheStore;
  store[CACHES] ??= new WeakMap();
  let cache = store[CACHES].get(db);
  if (cache === undefined) {
    cache = createAppSecretCache(db);
    store[CACHES].set(db, cache);
  }
  return cache;
}

/** `Authorization: Bearer <token>` → the token; anything else → null. */
export function bearerToken(authorization: string | null | undefined): string | null {
  if (typeof authorization !== "string") return null;
  const match = /^Bearer +(\S+) *$/i.exec(authorization);
  return match?.[1] ?? null;
}

/**
 * Verifies a user token (signature under the app's current secret, or the previous one during a
 * rotation's overlap, expiry, not-before, the app
 * exists) and returns its app and user, or throws UNAUTHENTICATED saying what failed (never
 * quoting the token).
 */
export async function authenticateUser(
  db: Database,
  token: string | null | undefined,
  secrets: AppSecretCache = userTokenSecretsFor(db),
): Promise<{ readonly appId: string; readonly user: UserIdentity }> {
  if (token == null || token === "") {
    throw new HiarError(
      "UNAUTHENTICATED",
      "a user token is required: send Authorization: Bearer <token>",
    );
  }
  const verified = await verifyUserToken(token, {
    // During a secret rotation's overlap, tokens signed with either secret are valid.
    lookupSecret: async (appId) => {
      const found = await secrets.lookup(appId);
      return found === null ? null : acceptedSecrets(found);
    },
  });
  if (!verified.ok) throw new HiarError("UNAUTHENTICATED", verified.message);
  const { claims } = verified;
  return {
    appId: claims.appId,
    user: { id: claims.userID, deviceID: claims.deviceID ?? null, expiresAt: claims.expiresAt },
  };
}
