import { HiarError } from "@collab/contracts";
import { processSingleton } from "@collab/db/process-singleton";

// Live streams (session.onEvent) hold a connection, a generator and a waiter of the session
// event feed each for as long as the client keeps them open, so their number is bounded: per app
// (one tenant cannot take every slot) and per process. Only a signed-in operator can open one,
// and only on a session of their app, so the feed's table of watched sessions is bounded too.

export interface StreamSlotLimits {
  /** Open streams of one app in this process. */
  readonly perApp: number;
  /** Open streams in this process, all apps together. */
  readonly total: number;
}

/** An operator rarely has more than a few session pages open; 50 leaves room for a team. */
export const LIVE_STREAM_LIMITS: StreamSlotLimits = Object.freeze({ perApp: 50, total: 1_000 });

export class StreamSlots {
  readonly limits: StreamSlotLimits;
  readonly #byApp = new Map<string, number>();
  #total = 0;

  constructor(limits: StreamSlotLimits = LIVE_STREAM_LIMITS) {
    this.limits = limits;
  }

  get total(): number {
    return this.#total;
  }

  /** Open streams of `appId`. */
  openFor(appId: string): number {
    return this.#byApp.get(appId) ?? 0;
  }

  /**
   * Takes a slot for a stream of `appId` and returns its release (idempotent), or throws
   * RATE_LIMITED when the app or the process has none left.
   */
  acquire(appId: string): () => void {
    const open = this.openFor(appId);
    if (open >= this.limits.perApp) {
      throw new HiarError(
        "RATE_LIMITED",
        `too many live streams for this app (at most ${this.limits.perApp} at once): close a session page`,
      );
    }
    if (this.#total >= this.limits.total) {
      throw new HiarError("RATE_LIMITED", "too many live streams on this server: try again later");
    }
    this.#byApp.set(appId, open + 1);
    this.#total += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#total -= 1;
      const left = (this.#byApp.get(appId) ?? 1) - 1;
      // No entry for an app without streams: the map holds only apps with open streams.
      if (left <= 0) this.#byApp.delete(appId);
      else this.#byApp.set(appId, left);
    };
  }
}

/** The process's slots (on globalThis: Next.js may load this module more than once). */
export function liveStreamSlots(): StreamSlots {
  return processSingleton("@collab/api/live-stream-slots", () => new StreamSlots());
}
