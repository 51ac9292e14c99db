import {
  clearSignInFailures,
  type Database,
  type FailureWindow,
  refundSignInFailure,
  signInFailureBlockedFor,
  type TokenBucketShape,
  type TokenDecision,
  takeRateLimitToken,
  takeSignInFailure,
} from "@collab/db";
import { LRUCache } from "lru-cache";
import { createRedisBackend, type RedisBackendOptions } from "./redis";

// Where the REST rate limit and the console sign-in throttle keep their counts
// (RATE_LIMIT_STORE): in this process, or shared by every server instance in PostgreSQL or Redis,
// so that N instances give one limit, not N. Every check is one atomic operation in the store:
// one statement (@collab/db repositories/rate-limits.ts) or one Lua script (./redis.ts).
// What happens when a shared store cannot be reached is the caller's choice (docs/decisions.md):
// the REST limit lets the request through, the sign-in throttle refuses it.

export type LimitStoreKind = "memory" | "postgres" | "redis";

export type { FailureWindow, TokenBucketShape, TokenDecision };

/**
 * Failed attempts per key within a window (the sign-in throttle's tables), at most
 * `window.limit` per window. Every method may reject when the store is unreachable.
 */
export interface FailureCounter {
  /** Counts a failure unless the key has used up its limit: 0, else ms until its window ends. */
  take(key: string): Promise<number>;
  /** Ms until the key may fail again when it has used up its limit, else 0. */
  blockedFor(key: string): Promise<number>;
  /** Gives back a failure taken for an attempt that turned out not to be one. */
  refund(key: string): Promise<void>;
  /** Forgets the key's failures. */
  clear(key: string): Promise<void>;
  /** Keys held, for the in-process store (diagnostics and tests); null when shared. */
  readonly size: number | null;
}

export interface LimitStore {
  readonly kind: LimitStoreKind;
  /** Takes a token from `key`'s bucket (a missing bucket is full). */
  takeToken(key: string, bucket: TokenBucketShape): Promise<TokenDecision>;
  /**
   * A failure counter over one table of keys (`table` prefixes them in a shared store). The
   * in-process store holds at most `maxKeys` of them (least recently used forgotten first); a
   * shared one keeps each key until its window ends (see docs/decisions.md for its bound).
   */
  failureCounter(table: string, window: FailureWindow, maxKeys: number): FailureCounter;
  /** Buckets held by the in-process store (tests, diagnostics); null when shared. */
  bucketCount(): number | null;
  /** Resolves once the store answers (Redis: connected), or rejects; for start-up logs and tests. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** Operations of a shared store, on keys it namespaces itself. */
export interface SharedLimitBackend {
  readonly kind: "postgres" | "redis";
  takeToken(key: string, bucket: TokenBucketShape): Promise<TokenDecision>;
  takeFailure(key: string, window: FailureWindow): Promise<number>;
  failureBlockedFor(key: string, limit: number): Promise<number>;
  refundFailure(key: string): Promise<void>;
  clearFailures(key: string): Promise<void>;
  ready(): Promise<void>;
  close(): Promise<void>;
}

export type LimitStoreOptions =
  | { readonly kind: "memory"; readonly now?: () => number }
  | { readonly kind: "postgres"; readonly db: Database }
  | ({ readonly kind: "redis" } & RedisBackendOptions);

export function createLimitStore(options: LimitStoreOptions): LimitStore {
  switch (options.kind) {
    case "memory":
      return new MemoryLimitStore(options.now ?? (() => Date.now()));
    case "postgres":
      return sharedStore(postgresBackend(options.db));
    case "redis":
      return sharedStore(createRedisBackend(options));
  }
}

function postgresBackend(db: Database): SharedLimitBackend {
  return {
    kind: "postgres",
    takeToken: (key, bucket) => takeRateLimitToken(db, key, bucket),
    takeFailure: (key, window) => takeSignInFailure(db, key, window),
    failureBlockedFor: (key, limit) => signInFailureBlockedFor(db, key, limit),
    refundFailure: (key) => refundSignInFailure(db, key),
    clearFailures: (key) => clearSignInFailures(db, key),
    async ready() {
      await db.$queryRaw`SELECT 1 FROM "rate_limit_bucket" LIMIT 0`;
    },
    // The database belongs to the process; closing the store leaves it open.
    async close() {},
  };
}

function sharedStore(backend: SharedLimitBackend): LimitStore {
  return {
    kind: backend.kind,
    takeToken: (key, bucket) => backend.takeToken(`rest:${key}`, bucket),
    failureCounter(table, window) {
      const at = (key: string) => `signin:${table}:${key}`;
      return {
        take: (key) => backend.takeFailure(at(key), window),
        blockedFor: (key) => backend.failureBlockedFor(at(key), window.limit),
        refund: (key) => backend.refundFailure(at(key)),
        clear: (key) => backend.clearFailures(at(key)),
        size: null,
      };
    },
    bucketCount: () => null,
    ready: () => backend.ready(),
    close: () => backend.close(),
  };
}

// --- In this process ---------------------------------------------------------------------------

/** How often idle (full again) buckets are dropped, so the map holds only recently busy keys. */
const SWEEP_INTERVAL_MS = 60_000;

interface Bucket {
  tokens: number;
  at: number;
}

const TAKEN: TokenDecision = Object.freeze({ allowed: true });

class MemoryLimitStore implements LimitStore {
  readonly kind = "memory";
  /** Keys are authenticated apps only: as many as there are apps, swept when full again. */
  readonly #buckets = new Map<string, Bucket & { shape: TokenBucketShape }>();
  /** A handful: the sign-in throttle's three tables. */
  readonly #tables = new Map<string, FailureTable>();
  #lastSweep: number;

  constructor(readonly now: () => number) {
    this.#lastSweep = now();
  }

  async takeToken(key: string, shape: TokenBucketShape): Promise<TokenDecision> {
    const now = this.now();
    this.#sweep(now);
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      bucket = { tokens: shape.burst, at: now, shape };
      this.#buckets.set(key, bucket);
    }
    refill(bucket, shape, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return TAKEN;
    }
    return {
      allowed: false,
      retryAfterMs: Math.max(1, ((1 - bucket.tokens) / shape.perSecond) * 1000),
    };
  }

  failureCounter(table: string, window: FailureWindow, maxKeys: number): FailureCounter {
    // The same table (and limits) from two callers is one table, as in a shared store.
    const name = `${table}:${window.limit}:${window.windowMs}`;
    let counter = this.#tables.get(name);
    if (counter === undefined) {
      counter = new FailureTable(maxKeys, window, this.now);
      this.#tables.set(name, counter);
    }
    return counter;
  }

  bucketCount(): number {
    return this.#buckets.size;
  }

  async ready(): Promise<void> {}
  async close(): Promise<void> {}

  #sweep(now: number): void {
    if (now - this.#lastSweep < SWEEP_INTERVAL_MS) return;
    this.#lastSweep = now;
    for (const [key, bucket] of this.#buckets) {
      refill(bucket, bucket.shape, now);
      // A full bucket is what a new one would be: forgetting it changes nothing.
      if (bucket.tokens >= bucket.shape.burst) this.#buckets.delete(key);
    }
  }
}

function refill(bucket: Bucket, shape: TokenBucketShape, now: number): void {
  const elapsed = Math.max(0, now - bucket.at);
  bucket.tokens = Math.min(shape.burst, bucket.tokens + (elapsed / 1000) * shape.perSecond);
  bucket.at = Math.max(bucket.at, now);
}

interface Failures {
  count: number;
  /** When the window that started with the first failure ends (ms). */
  readonly resetAt: number;
}

/** Failures per key within a window, in a fixed-size LRU (keys are chosen by clients). */
class FailureTable implements FailureCounter {
  readonly #entries: LRUCache<string, Failures>;
  readonly #window: FailureWindow;
  readonly #now: () => number;

  constructor(max: number, window: FailureWindow, now: () => number) {
    this.#entries = new LRUCache({ max });
    this.#window = window;
    this.#now = now;
  }

  get size(): number {
    return this.#entries.size;
  }

  #live(key: string): Failures | undefined {
    const entry = this.#entries.get(key);
    if (entry !== undefined && entry.resetAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  async blockedFor(key: string): Promise<number> {
    const entry = this.#live(key);
    return entry !== undefined && entry.count >= this.#window.limit
      ? entry.resetAt - this.#now()
      : 0;
  }

  async take(key: string): Promise<number> {
    const entry = this.#live(key);
    if (entry === undefined) {
      this.#entries.set(key, { count: 1, resetAt: this.#now() + this.#window.windowMs });
      return 0;
    }
    if (entry.count >= this.#window.limit) return entry.resetAt - this.#now();
    entry.count += 1;
    return 0;
  }

  async refund(key: string): Promise<void> {
    const entry = this.#live(key);
    if (entry === undefined) return;
    entry.count -= 1;
    if (entry.count <= 0) this.#entries.delete(key);
  }

  async clear(key: string): Promise<void> {
    this.#entries.delete(key);
  }
}
