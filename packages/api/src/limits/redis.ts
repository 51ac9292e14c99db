import { Redis } from "ioredis";
import type { SharedLimitBackend } from "./store";

// The shared limit store in Redis (RATE_LIMIT_STORE=redis): each check is one Lua script, which
// Redis runs atomically, timed by the Redis server's clock (TIME), so every instance counts
// against the same buckets and windows. Every key expires by itself when it means nothing any
// more (a bucket full again, a window ended): Redis holds only live limits.

export interface RedisBackendOptions {
  /** redis:// or rediss:// (REDIS_URL). Never logged: it may hold a password. */
  readonly url: string;
  /** Put before every key (REDIS_KEY_PREFIX). */
  readonly keyPrefix: string;
  /** Longest wait for an answer before the check counts as failed (default 500 ms). */
  readonly commandTimeoutMs?: number;
  /** Told about connection errors (at most once per 10 s); never given the URL. */
  readonly onError?: (error: Error) => void;
}

/** KEYS[1] the bucket; ARGV perSecond, burst. 0 when a token was taken, else ms until one. */
const TAKE_TOKEN = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then
  tokens = burst
  at = now
end
tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000)
if tokens < 1 then
  return math.max(1, math.ceil((1 - tokens) * 1000 / rate))
end
tokens = tokens - 1
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'at', string.format('%.17g', now))
redis.call('PEXPIRE', KEYS[1], math.max(1, math.ceil((burst - tokens) * 1000 / rate)))
return 0`;

/** KEYS[1] the count; ARGV limit, windowMs. 0 when counted, else ms until the window ends. */
const TAKE_FAILURE = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count >= tonumber(ARGV[1]) then
  return math.max(1, redis.call('PTTL', KEYS[1]))
end
redis.call('INCR', KEYS[1])
if redis.call('PTTL', KEYS[1]) < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;

/** KEYS[1] the count; ARGV limit. Ms until the window ends when the limit is used up, else 0. */
const FAILURE_BLOCKED_FOR = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count < tonumber(ARGV[1]) then return 0 end
return math.max(1, redis.call('PTTL', KEYS[1]))`;

/** KEYS[1] the count. Gives one failure back (the window keeps its end). */
const REFUND_FAILURE = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 0 then redis.call('DECR', KEYS[1]) end
return 0`;

interface LimitCommands {
  collabTakeToken(key: string, perSecond: number, burst: number): Promise<number>;
  collabTakeFailure(key: string, limit: number, windowMs: number): Promise<number>;
  collabFailureBlockedFor(key: string, limit: number): Promise<number>;
  collabRefundFailure(key: string): Promise<number>;
}

const ERROR_REPORT_INTERVAL_MS = 10_000;

export function createRedisBackend(options: RedisBackendOptions): SharedLimitBackend {
  const redis = new Redis(options.url, {
    keyPrefix: options.keyPrefix,
    // A check must not wait for a reconnection: fail at once (the caller decides what that means)
    // rather than queue requests behind a dead connection.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 2_000,
    // Reconnect for ever, at most every 2 s.
    retryStrategy: (times) => Math.min(times * 100, 2_000),
  });
  let lastReport = Number.NEGATIVE_INFINITY;
  redis.on("error", (error: Error) => {
    const now = Date.now();
    if (now - lastReport < ERROR_REPORT_INTERVAL_MS) return;
    lastReport = now;
    options.onError?.(error);
  });
  redis.defineCommand("collabTakeToken", { numberOfKeys: 1, lua: TAKE_TOKEN });
  redis.defineCommand("collabTakeFailure", { numberOfKeys: 1, lua: TAKE_FAILURE });
  redis.defineCommand("collabFailureBlockedFor", { numberOfKeys: 1, lua: FAILURE_BLOCKED_FOR });
  redis.defineCommand("collabRefundFailure", { numberOfKeys: 1, lua: REFUND_FAILURE });
  const scripts = redis as unknown as LimitCommands;
  const timeoutMs = options.commandTimeoutMs ?? 500;
  const timed =
    <A extends unknown[]>(command: (...args: A) => Promise<number>) =>
    (...args: A) =>
      withinTimeout(command.apply(scripts, args), timeoutMs);
  const commands: LimitCommands = {
    collabTakeToken: timed(scripts.collabTakeToken),
    collabTakeFailure: timed(scripts.collabTakeFailure),
    collabFailureBlockedFor: timed(scripts.collabFailureBlockedFor),
    collabRefundFailure: timed(scripts.collabRefundFailure),
  };

  return {
    kind: "redis",
    async takeToken(key, bucket) {
      const waitMs = await commands.collabTakeToken(key, bucket.perSecond, bucket.burst);
      return waitMs === 0 ? { allowed: true } : { allowed: false, retryAfterMs: waitMs };
    },
    takeFailure: (key, window) => commands.collabTakeFailure(key, window.limit, window.windowMs),
    failureBlockedFor: (key, limit) => commands.collabFailureBlockedFor(key, limit),
    async refundFailure(key) {
      await commands.collabRefundFailure(key);
    },
    async clearFailures(key) {
      await withinTimeout(redis.del(key), timeoutMs);
    },
    async ready() {
      if (redis.status === "ready") return;
      await new Promise<void>((resolve, reject) => {
        const onReady = () => {
          redis.off("error", onError);
          resolve();
        };
        const onError = (error: Error) => {
          redis.off("ready", onReady);
          reject(error);
        };
        redis.once("ready", onReady);
        redis.once("error", onError);
      });
    },
    async close() {
      redis.disconnect(false);
    },
  };
}

/**
 * Rejects when `promise` has not settled `ms` after the call. When the timer fires, I/O already
 * received is read first (one turn to setImmediate, which runs after the event loop's poll
 * phase): a reply that arrived while this process was busy (a burst of CPU, a long GC) settles
 * the command, so only a slow Redis counts as one. ioredis' own commandTimeout fires before such
 * a reply is read.
 */
export function withinTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    // Once settled, a later reject is a no-op: the reply read in that turn wins.
    const timer = setTimeout(
      () => setImmediate(() => reject(new Error(`Redis did not answer within ${ms} ms`))),
      ms,
    );
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}
