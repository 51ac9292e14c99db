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

/** The refusals' messages (the console's by default). */
export interface StreamSlotMessages {
  readonly perApp: (limit: number) => string;
  readonly total: string;
}

const CONSOLE_MESSAGES: StreamSlotMessages = {
  perApp: (limit) =>
    `too many live streams for this app (at most ${limit} at once): close a session page`,
  total: "too many live streams on this server: try again later",
};

export class StreamSlots {
  readonly limits: StreamSlotLimits;
  readonly #messages: StreamSlotMessages;
  readonly #byApp = new Map<string, number>();
  #total = 0;

  constructor(
    limits: StreamSlotLimits = LIVE_STREAM_LIMITS,
    messages: StreamSlotMessages = CONSOLE_MESSAGES,
  ) {
    this.limits = limits;
    this.#messages = messages;
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
      throw new HiarError("RATE_LIMITED", this.#messages.perApp(this.limits.perApp));
    }
    if (this.#total >= this.limits.total) {
      throw new HiarError("RATE_LIMITED", this.#messages.total);
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

// The user channel's subscriptions (user.onEvent): each holds a connection, a generator and a
// bounded queue. Bounded per user (a user has a few devices), per app and per process.

export interface UserStreamSlotLimits {
  /** Open subscriptions of one user of one app in this process. */
  readonly perUser: number;
  /** Open subscriptions of one app in this process. */
  readonly perApp: number;
  /** Open subscriptions in this process. */
  readonly total: number;
}

export const USER_STREAM_LIMITS: UserStreamSlotLimits = Object.freeze({
  perUser: 10,
  perApp: 2_000,
  total: 5_000,
});

export class UserStreamSlots {
  readonly limits: UserStreamSlotLimits;
  readonly #users: StreamSlots;
  readonly #apps: StreamSlots;

  constructor(limits: UserStreamSlotLimits = USER_STREAM_LIMITS) {
    this.limits = limits;
    this.#users = new StreamSlots(
      { perApp: limits.perUser, total: Number.POSITIVE_INFINITY },
      {
        perApp: (limit) =>
          `too many live subscriptions for this user (at most ${limit} at once): close another device's`,
        total: "",
      },
    );
    this.#apps = new StreamSlots(
      { perApp: limits.perApp, total: limits.total },
      {
        perApp: (limit) => `too many live subscriptions for this app (at most ${limit} at once)`,
        total: "too many live subscriptions on this server: try again later",
      },
    );
  }

  get total(): number {
    return this.#apps.total;
  }

  /** Takes a slot for a subscription of (app, user), or throws RATE_LIMITED; returns its release. */
  acquire(appId: string, userId: string): () => void {
    const releaseUser = this.#users.acquire(`${appId}\u0000${userId}`);
    try {
      const releaseApp = this.#apps.acquire(appId);
      return () => {
        releaseApp();
        releaseUser();
      };
    } catch (error) {
      releaseUser();
      throw error;
    }
  }
}

const USER_SLOTS = Symbol.for("@collab/api/user-stream-slots");
type UserSlotStore = Record<symbol, UserStreamSlots | undefined>;

/** The process's user subscription slots (on globalThis). */
export function userStreamSlots(): UserStreamSlots {
  const store = globalThis as unknown as UserSlotStore;
  store[USER_SLOTS] ??= new UserStreamSlots();
  return store[USER_SLOTS];
}
