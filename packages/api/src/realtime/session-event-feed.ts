import { type Database, latestEventSeqs } from "@collab/db";
import { processSingleton } from "@collab/db/process-singleton";

// Wakes live streams when their session gets new events. It watches the session_event table
// itself (polling each watched session's newest seq), not in-process memory, so an event written
// by any server instance, the REST adapter or a background job reaches every subscriber of every
// instance, and it works the same on PostgreSQL and on the embedded PGlite (whose single session
// cannot serve LISTEN to several connections). Cost: one indexed statement per tick per instance
// while anyone is watching, whatever the number of subscribers; nothing while no one is.

export interface SessionKey {
  readonly appId: string;
  readonly sessionId: string;
}

export interface SessionEventFeedOptions {
  /** How often the watched sessions are checked. Default 500 ms (live updates well within 2 s). */
  readonly intervalMs?: number;
  /** Called when a check fails; the feed keeps retrying (streams wait, then catch up). */
  readonly onError?: (error: unknown) => void;
}

interface Waiter {
  readonly afterSeq: number;
  readonly resolve: () => void;
}

interface Watched {
  readonly key: SessionKey;
  /** Newest seq seen by the last check (undefined before the first). */
  latest: number | undefined;
  readonly waiters: Set<Waiter>;
}

const DEFAULT_INTERVAL_MS = 500;
/** Backoff after a failed check (e.g. the database is restarting). */
const ERROR_INTERVAL_MS = 2_000;

const keyOf = (key: SessionKey) => `${key.appId}\u0000${key.sessionId}`;

export class SessionEventFeed {
  readonly #db: Database;
  readonly #intervalMs: number;
  readonly #onError: (error: unknown) => void;
  readonly #watched = new Map<string, Watched>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #checking = false;

  constructor(db: Database, options: SessionEventFeedOptions = {}) {
    this.#db = db;
    this.#intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
    this.#onError = options.onError ?? (() => {});
  }

  /**
   * Resolves once the session has an event with seq > `afterSeq` (as of a check made after this
   * call or the last one), or when `signal` aborts. It never rejects: the caller reads the events
   * itself and simply waits again if there are none.
   */
  waitForEventAfter(key: SessionKey, afterSeq: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    const id = keyOf(key);
    let watched = this.#watched.get(id);
    if (watched === undefined) {
      watched = { key, latest: undefined, waiters: new Set() };
      this.#watched.set(id, watched);
    }
    const entry = watched;
    if (entry.latest !== undefined && entry.latest > afterSeq) return Promise.resolve();

    return new Promise<void>((resolve) => {
      const waiter: Waiter = {
        afterSeq,
        resolve: () => {
          entry.waiters.delete(waiter);
          signal?.removeEventListener("abort", waiter.resolve);
          if (entry.waiters.size === 0 && this.#watched.get(id) === entry) {
            this.#watched.delete(id);
          }
          resolve();
        },
      };
      entry.waiters.add(waiter);
      signal?.addEventListener("abort", waiter.resolve, { once: true });
      this.#schedule(this.#intervalMs);
    });
  }

  /** Sessions currently watched (for tests and diagnostics). */
  get watchedCount(): number {
    return this.#watched.size;
  }

  /** Stops checking and releases every waiter. */
  close(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const watched of [...this.#watched.values()]) {
      for (const waiter of [...watched.waiters]) waiter.resolve();
    }
    this.#watched.clear();
  }

  #schedule(delayMs: number): void {
    if (this.#timer !== undefined || this.#checking || this.#watched.size === 0) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#check();
    }, delayMs);
    // A pending check must not keep a process (a test, a script) alive.
    this.#timer.unref?.();
  }

  async #check(): Promise<void> {
    const watched = [...this.#watched.values()];
    if (watched.length === 0) return;
    this.#checking = true;
    let nextDelay = this.#intervalMs;
    try {
      const latest = await latestEventSeqs(
        this.#db,
        watched.map((w) => w.key),
      );
      const byKey = new Map(latest.map((row) => [keyOf(row), row.seq]));
      for (const entry of watched) {
        const seq = byKey.get(keyOf(entry.key));
        if (seq === undefined) continue;
        entry.latest = seq;
        for (const waiter of [...entry.waiters]) {
          if (seq > waiter.afterSeq) waiter.resolve();
        }
      }
    } catch (error) {
      this.#onError(error);
      nextDelay = ERROR_INTERVAL_MS;
    } finally {
      this.#checking = false;
    }
    this.#schedule(nextDelay);
  }
}

/**
 * The feed of a database client: one per client per process, so every stream of an instance
 * shares one check. Kept on globalThis because Next.js may load this module more than once.
 */
export function sessionEventFeedFor(
  db: Database,
  options?: SessionEventFeedOptions,
): SessionEventFeed {
  const feeds = processSingleton(
    "@collab/api/session-event-feeds",
    () => new WeakMap<Database, SessionEventFeed>(),
  );
  let feed = feeds.get(db);
  if (feed === undefined) {
    feed = new SessionEventFeed(db, options);
    feeds.set(db, feed);
  }
  return feed;
}
