import {
  currentEventCursor,
  type Database,
  type EventCursor,
  readCommittedEventsAfter,
  type SessionEventSignal,
  sessionEventSignalFor,
  type TailedEvent,
} from "@collab/db";

// One tail of session_event per process, fanned out in memory to the user channel's subscribers
// by (app, user). It reads only while someone subscribes: on every session event signal (NOTIFY
// from whichever instance committed, or this process's own writers), on a short fallback poll,
// and again at once while a read came back full or events wait behind an older transaction.
// Cost: one indexed statement per wake-up per instance, whatever the number of subscribers; no
// per-subscriber query. Works the same on PGlite (one process: the signal is in-process).

export type UserEventListener = (event: TailedEvent) => void;

export interface UserEventHubOptions {
  /** Read at least this often while anyone subscribes (signals can be lost). Default 1,000 ms. */
  readonly fallbackPollMs?: number;
  /** Events per read. Default 500. */
  readonly batchSize?: number;
  /** Called when a read fails; the hub keeps retrying (subscribers then catch up). */
  readonly onError?: (error: unknown) => void;
  /** The wake-up signal; default: the database client's (sessionEventSignalFor). */
  readonly signal?: SessionEventSignal;
}

/**
 * How soon to read again when committed events wait behind an older, still running transaction:
 * soon at first, then less often while they keep waiting. Under load some transaction is nearly
 * always running, and the commit of one that wrote events signals anyway (a read at once), so a
 * fixed short retry was a read every 5 ms per instance for nothing; the backoff only bounds the
 * wait behind a transaction that sends no signal (one that wrote no event).
 */
const HELD_RETRY_MS = { first: 5, max: 100 };
const ERROR_RETRY_MS = 1_000;

const keyOf = (appId: string, userId: string) => `${appId}\u0000${userId}`;

export interface UserEventSubscription {
  /** Every event after this cursor reaches the listener (and none at or before it). */
  readonly position: EventCursor;
  unsubscribe(): void;
}

export class UserEventHub {
  readonly #db: Database;
  readonly #fallbackPollMs: number;
  readonly #batchSize: number;
  readonly #onError: (error: unknown) => void;
  readonly #signal: SessionEventSignal;
  readonly #listeners = new Map<string, Set<UserEventListener>>();
  #count = 0;
  /** Bumped whenever the tail stops: a read begun before belongs to a forgotten position. */
  #epoch = 0;
  #position: EventCursor | undefined;
  #starting: Promise<EventCursor> | undefined;
  #running = false;
  #woken = false;
  #wake: (() => void) | undefined;
  #stopSignal: (() => void) | undefined;

  constructor(db: Database, options: UserEventHubOptions = {}) {
    this.#db = db;
    this.#fallbackPollMs = options.fallbackPollMs ?? 1_000;
    this.#batchSize = options.batchSize ?? 500;
    this.#onError = options.onError ?? (() => {});
    this.#signal = options.signal ?? sessionEventSignalFor(db);
  }

  /** Subscribers in this process. */
  get size(): number {
    return this.#count;
  }

  /**
   * Registers `listener` for the events concerning (app, user): those about the user and those of
   * sessions the user is a member of. Resolves with the position after which events are
   * delivered; the caller reads what it needs before that itself (a resume).
   */
  async subscribe(
    appId: string,
    userId: string,
    listener: UserEventListener,
  ): Promise<UserEventSubscription> {
    await this.#start();
    const key = keyOf(appId, userId);
    let set = this.#listeners.get(key);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(key, set);
    }
    // Registration and the position are taken in one synchronous step: the next dispatch
    // delivers exactly the events after it.
    const entry: UserEventListener = (event) => listener(event);
    set.add(entry);
    this.#count += 1;
    const position = this.#position as EventCursor;
    this.#run();
    let done = false;
    return {
      position,
      unsubscribe: () => {
        if (done) return;
        done = true;
        set.delete(entry);
        if (set.size === 0 && this.#listeners.get(key) === set) this.#listeners.delete(key);
        this.#count -= 1;
        if (this.#count === 0) this.#stop();
      },
    };
  }

  /** Read now (a signal). */
  wake(): void {
    this.#woken = true;
    this.#wake?.();
  }

  async #start(): Promise<void> {
    if (this.#position !== undefined) return;
    this.#starting ??= currentEventCursor(this.#db).finally(() => {
      this.#starting = undefined;
    });
    const position = await this.#starting;
    // Another subscriber may have started (and moved) the tail meanwhile.
    this.#position ??= position;
    this.#stopSignal ??= this.#signal.onSignal(() => this.wake());
  }

  #stop(): void {
    // Nobody listens: forget the position (a later subscriber starts from then) and the signal.
    this.#position = undefined;
    this.#epoch += 1;
    this.#stopSignal?.();
    this.#stopSignal = undefined;
    this.wake();
  }

  #run(): void {
    if (this.#running) return;
    this.#running = true;
    void this.#loop().finally(() => {
      this.#running = false;
      // A subscriber that arrived while the loop was ending.
      if (this.#count > 0 && this.#position !== undefined) this.#run();
    });
  }

  async #loop(): Promise<void> {
    let heldRetryMs = HELD_RETRY_MS.first;
    while (this.#count > 0 && this.#position !== undefined) {
      this.#woken = false;
      let delay = this.#fallbackPollMs;
      const epoch = this.#epoch;
      try {
        const read = await readCommittedEventsAfter(this.#db, {
          after: this.#position,
          limit: this.#batchSize,
        });
        if (epoch !== this.#epoch) continue;
        for (const event of read.events) this.#dispatch(event);
        this.#position = read.next;
        if (read.events.length >= this.#batchSize) continue;
        if (read.held) {
          delay = heldRetryMs;
          heldRetryMs = Math.min(heldRetryMs * 2, HELD_RETRY_MS.max);
        } else {
          heldRetryMs = HELD_RETRY_MS.first;
        }
      } catch (error) {
        this.#onError(error);
        delay = ERROR_RETRY_MS;
      }
      if (this.#woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, delay);
        timer.unref?.();
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.#wake = done;
      });
      this.#wake = undefined;
    }
  }

  #dispatch(event: TailedEvent): void {
    const notified = new Set<string>();
    const deliver = (userId: string | null) => {
      if (userId === null) return;
      const key = keyOf(event.appId, userId);
      if (notified.has(key)) return;
      notified.add(key);
      const set = this.#listeners.get(key);
      if (set === undefined) return;
      for (const listener of [...set]) {
        try {
          listener(event);
        } catch {
          // a subscriber's failure must not stop the others
        }
      }
    };
    deliver(event.subjectId);
    for (const member of event.members) deliver(member);
  }
}

const HUBS = Symbol.for("@collab/api/user-event-hubs");
type HubStore = Record<symbol, WeakMap<Database, UserEventHub> | undefined>;

/** The process's hub for a database client (on globalThis: Next.js may load this module twice). */
export function userEventHubFor(db: Database, options?: UserEventHubOptions): UserEventHub {
  const store = globalThis as unknown as HubStore;
  store[HUBS] ??= new WeakMap();
  let hub = store[HUBS].get(db);
  if (hub === undefined) {
    hub = new UserEventHub(db, options);
    store[HUBS].set(db, hub);
  }
  return hub;
}
