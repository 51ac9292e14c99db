import { LRUCache } from "lru-cache";
import type { PrismaClient } from "./generated/prisma/client";
import { type AppSecrets, findAppSecrets } from "./repositories/apps";
import type { SecretBox } from "./secret-box";

export interface AppSecretCacheOptions {
  /**
   * How long a secret read from the database is used without asking again, in ms (default 5,000).
   * Also the bound across server instances: after a secret changes, another instance may accept
   * the old one (and refuse the new one) for up to this long.
   */
  readonly ttlMs?: number;
  /** Apps remembered at most (default 10,000); the least recently used is forgotten first. */
  readonly maxApps?: number;
  /**
   * APPIDs with no app remembered at most, for the same TTL, in a table of their own (default
   * 1,000), so that requests with made-up APPIDs can never evict a real app; 0: never remember
   * that an app does not exist.
   */
  readonly maxUnknown?: number;
  /** The clock the TTL is measured on, in ms (tests); default performance.now(). */
  readonly now?: () => number;
  /** How stored secrets are decrypted; default the deployment's (appSecretBox()). */
  readonly box?: SecretBox;
}

export interface AppSecretCache {
  /**
   * The app's secrets (current, and previous while its overlap lasts: see findAppSecrets), or null
   * for an unknown APPID: from memory when fresh, else ONE statement (and the decryption of the
   * stored secrets when they are encrypted). A previous secret whose expiry passes while cached
   * is no longer returned.
   */
  lookup(appId: string): Promise<AppSecrets | null>;
  /**
   * Forgets what this instance knows about the app (its secret, or that it does not exist). Call
   * it in the process that changes or deletes an app's secret; other instances notice within
   * `ttlMs`.
   */
  invalidate(appId: string): void;
}

export const APP_SECRET_CACHE_DEFAULTS = Object.freeze({
  ttlMs: 5_000,
  maxApps: 10_000,
  maxUnknown: 1_000,
});

// The longest APPID the signed headers allow (hiar-auth's APP_ID_PATTERN): a longer key is never
// remembered, so each entry of the unknown-APPID table stays small.
const MAX_REMEMBERED_APP_ID_LENGTH = 128;

/**
 * A short-lived, bounded cache of app secrets for request authentication (REST signatures), in
 * front of findAppSecrets; it holds them decrypted, in memory only: every signed request needs its app's secret, and the answer rarely
 * changes. Memory is bounded whatever clients send: at most `maxApps` secrets of existing apps
 * and `maxUnknown` made-up APPIDs (≤ 128 characters each). A lookup that fails (database
 * unreachable) is not remembered. A lookup that started before `invalidate` does not store its
 * (possibly old) answer.
 */
export function createAppSecretCache(
  db: PrismaClient,
  options: AppSecretCacheOptions = {},
): AppSecretCache {
  const ttl = options.ttlMs ?? APP_SECRET_CACHE_DEFAULTS.ttlMs;
  const maxApps = options.maxApps ?? APP_SECRET_CACHE_DEFAULTS.maxApps;
  const maxUnknown = options.maxUnknown ?? APP_SECRET_CACHE_DEFAULTS.maxUnknown;
  if (!(Number.isFinite(ttl) && ttl > 0)) throw new RangeError(`ttlMs must be > 0, got ${ttl}`);
  if (!(Number.isSafeInteger(maxApps) && maxApps > 0)) {
    throw new RangeError(`maxApps must be a positive integer, got ${maxApps}`);
  }
  if (!(Number.isSafeInteger(maxUnknown) && maxUnknown >= 0)) {
    throw new RangeError(`maxUnknown must be an integer ≥ 0, got ${maxUnknown}`);
  }
  // An injected clock is read on every check (lru-cache otherwise reuses a reading for 1 ms).
  const clock = options.now ? { perf: { now: options.now }, ttlResolution: 0 } : {};
  const secrets = new LRUCache<string, AppSecrets>({ max: maxApps, ttl, ...clock });
  const unknown =
    maxUnknown > 0 ? new LRUCache<string, true>({ max: maxUnknown, ttl, ...clock }) : undefined;
  // Bumped by every invalidation: an answer read before it is returned but not stored.
  let generation = 0;

  return {
    async lookup(appId) {
      const cached = secrets.get(appId);
      if (cached !== undefined) {
        // The expiry is wall-clock time, checked on each use (the TTL clock may be injected).
        if (cached.previous && cached.previous.expiresAt.getTime() <= Date.now()) {
          const current: AppSecrets = { current: cached.current, previous: null };
          secrets.set(appId, current, { noUpdateTTL: true });
          return current;
        }
        return cached;
      }
      if (unknown?.has(appId)) return null;
      const startedAt = generation;
      const secret = await findAppSecrets(db, appId, { box: options.box });
      if (startedAt === generation) {
        if (secret !== null) secrets.set(appId, secret);
        else if (appId.length <= MAX_REMEMBERED_APP_ID_LENGTH) unknown?.set(appId, true);
      }
      return secret;
    },
    invalidate(appId) {
      generation += 1;
      secrets.delete(appId);
      unknown?.delete(appId);
    },
  };
}
