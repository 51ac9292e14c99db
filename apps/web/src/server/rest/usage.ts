import type { AppUsageCounts } from "@collab/db";
import { describeError } from "@collab/worker";
import type { Logger } from "pino";

// Counts each app's authenticated REST requests (and refusals) per UTC day in memory and adds
// them to the database every few seconds in one statement (README "Usage"), so a request costs
// no write of its own. A crash loses at most one interval's counts. Only authenticated requests
// are counted — an app id a client merely claims never becomes a key — so the table is bounded
// by the apps that exist (twice that across midnight); MAX_PENDING bounds it anyway.

/** How often the counts are added to the database. */
export const USAGE_FLUSH_INTERVAL_MS = 5_000;
/** (app, day) pairs held at most; past it, counts are dropped (with a warning) until a flush. */
const MAX_PENDING = 100_000;

export class UsageRecorder {
  #pending = new Map<string, { appId: string; day: string; requests: number; errors: number }>();
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;
  #dropWarned = false;

  constructor(
    private readonly add: (rows: readonly AppUsageCounts[]) => Promise<void>,
    private readonly log: Pick<Logger, "warn">,
    private readonly intervalMs = USAGE_FLUSH_INTERVAL_MS,
  ) {}

  /** One answered request of an authenticated app; `failed`: any 4xx or 5xx answer. */
  record(appId: string, failed: boolean, now = new Date()): void {
    const day = now.toISOString().slice(0, 10);
    const key = `${appId}\u0000${day}`;
    let counts = this.#pending.get(key);
    if (counts === undefined) {
      if (this.#pending.size >= MAX_PENDING) {
        if (!this.#dropWarned) {
          this.#dropWarned = true;
          this.log.warn({ pending: this.#pending.size }, "usage counts dropped: too many pending");
        }
        return;
      }
      counts = { appId, day, requests: 0, errors: 0 };
      this.#pending.set(key, counts);
    }
    counts.requests += 1;
    if (failed) counts.errors += 1;
  }

  start(): void {
    this.#timer ??= setInterval(() => void this.flush(), this.intervalMs);
    this.#timer.unref();
  }

  /**
   * Adds what is pending to the database. On failure (the database is down) the counts are kept
   * for the next flush.
   */
  flush(): Promise<void> {
    this.#flushing ??= (async () => {
      const batch = this.#pending;
      if (batch.size === 0) return;
      this.#pending = new Map();
      try {
        await this.add([...batch.values()]);
        this.#dropWarned = false;
      } catch (error) {
        for (const [key, counts] of batch) {
          const now = this.#pending.get(key);
          if (now === undefined) {
            if (this.#pending.size < MAX_PENDING) this.#pending.set(key, counts);
          } else {
            now.requests += counts.requests;
            now.errors += counts.errors;
          }
        }
        // One line, no stack: an outage is expected here, and every request says so already.
        this.log.warn(
          { err: describeError(error) },
          "usage counts not saved yet; retried at the next flush",
        );
      }
    })().finally(() => {
      this.#flushing = undefined;
    });
    return this.#flushing;
  }

  /** Stops the timer and adds what is pending (at shutdown). */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#flushing;
    await this.flush();
  }
}
