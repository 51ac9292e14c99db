import {
  currentEventCursor,
  type Database,
  type EventCursor,
  readCommittedEventsAfter,
  type SessionEventSignal,
  sessionEventSignalFor,
  type TailedEvent,
  TailMemberCache,
  tailReaderFor,
} from "@collab/db";

// One tail of session_event per process, fanned out in memory to the user channel's subscribers
// by (app, user). It reads only while someone subscribes: on every session event signal (NOTIFY
// from whichever instance committed, or this process's own writers), on a short fallback poll,
// and again at once while a read came back full or events wait behind an older transaction;
// reads start 100–200 ms apart otherwise, further apart under more load (readGapMs). Cost: one
// indexed statement per wake-up per instance, on a connection of its own (tailReaderFor), whatever
// the number of subscribers; no per-subscriber query. Works the same on PGlite (one process: the signal is in-process).

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
 * Reads start at least this far apart unless the last one came back full. Under load every
 * commit signals; one read per signal was one read per invite per instance. Gathering bounds
 * the reads to ~10/s per instance whatever the invite rate (5/s under heavy load: readGapMs), for
 * ≤ 100–200 ms of added latency under load (a lone commit is read at once). With 1,000 idle subscribers on two instances, the
 * throughput kept was 67–77 % of that without them at 20 ms, 70–87 % at 50 ms (rings p50 29 ms,
 * p99 58 ms after the invite's commit) and 77–105 % at 100 ms (p50 52–58 ms, p99 110–130 ms):
 * BENCHMARKS.md.
 */
export const MIN_READ_GAP_MS = 100;
/**
 * The gap grows with the load, up to this: a read's cost is mostly fixed (the statement, and each
 * session's members once per read), so under heavy load fewer, larger reads keep the invites'
 * throughput, and a ring waits at most this long for its read. The gap after a read that brought
 * n events is MIN + (MAX − MIN) × min(1, n / BUSY_READ_EVENTS): ~110 ms at 100 invites/s of one
 * invitee, the full 200 ms flat out. Flat out with 1,000 idle subscribers, the throughput kept
 * went from 69–74 % (a fixed 100 ms) to 88–98 %, rings p50 ~60 ms at 100 invites/s.
 */
export const MAX_READ_GAP_MS = 200;
const BUSY_READ_EVENTS = 100;

/** How long after a read that brought `events` events the next one may start. */
export function readGapMs(events: number): number {
  return (
    MIN_READ_GAP_MS + (MAX_READ_GAP_MS - MIN_READ_GAP_MS) * Math.min(1, events / BUSY_READ_EVENTS)
  );
}

/**
 * How soon to read again when committed events wait behind an older, still running transaction.
 * Under load some transaction is nearly always running, and the commit of one that wrote events
 * signals anyway (a read at once), so this only bounds the wait behind a transaction that sends
 * no signal (one that wrote no event). A retry never comes sooner than the read gap anyway.
 */
const HELD_RETRY_MS = MIN_READ_GAP_MS;
const ERROR_RETRY_MS = 1_000;

export interface UserEventSubscription {
  /** Every event after this cursor reaches the listener (and none at or before it). */
  readonly position: EventCursor;
  unsubscribe(): void;
}

export class UserEventHub {
  /** What the tail reads through: its own connection on PostgreSQL (tailReaderFor). */
  readonly #reader: Database;
  readonly #fallbackPollMs: number;
  readonly #batchSize: number;
  readonly #onError: (error: unknown) => void;
  readonly #signal: SessionEventSignal;
  /** By app, then by user: an event of an app nobody here listens to costs one lookup. */
  readonly #listeners = new Map<string, Map<string, Set<UserEventListener>>>();
  #count = 0;
  /** Bumped whenever the tail stops: a read begun before belongs to a forgotten position. */
  #epoch = 0;
  #position: EventCursor | undefined;
  /** The members of the sessions read since the tail started here (reset with the position). */
  #members = new TailMemberCache();
  #starting: Promise<EventCursor> | undefined;
  #running = false;
  #woken = false;
  #wake: (() => void) | undefined;
  #stopSignal: (() => void) | undefined;

  constructor(db: Database, options: UserEventHubOptions = {}) {
    this.#reader = tailReaderFor(db);
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
    // The last subscriber may leave (stopping the tail) while this one waits for the start:
    // start it again then.
    do await this.#start();
    while (this.#position === undefined);
    const users = this.#listeners.get(appId) ?? new Map<string, Set<UserEventListener>>();
    this.#listeners.set(appId, users);
    const set = users.get(userId) ?? new Set<UserEventListener>();
    users.set(userId, set);
    // Registration and the position are taken in one synchronous step: the next dispatch
    // delivers exactly the events after it.
    const entry: UserEventListener = (event) => listener(event);
    set.add(entry);
    this.#count += 1;
    const position = this.#position;
    this.#run();
    let done = false;
    return {
      position,
      unsubscribe: () => {
        if (done) return;
        done = true;
        set.delete(entry);
        if (set.size === 0 && users.get(userId) === set) users.delete(userId);
        if (users.size === 0 && this.#listeners.get(appId) === users) this.#listeners.delete(appId);
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
    this.#starting ??= currentEventCursor(this.#reader).finally(() => {
      this.#starting = undefined;
    });
    const position = await this.#starting;
    // Another subscriber may have started (and moved) the tail meanwhile.
    if (this.#position === undefined) {
      this.#position = position;
      // What was read before the tail stopped misses the members added while it was stopped.
      this.#members = new TailMemberCache();
    }
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
    while (this.#count > 0 && this.#position !== undefined) {
      this.#woken = false;
      const readStartedAt = Date.now();
      let delay = this.#fallbackPollMs;
      let minGap = MIN_READ_GAP_MS;
      const epoch = this.#epoch;
      try {
        const read = await readCommittedEventsAfter(this.#reader, {
          after: this.#position,
          limit: this.#batchSize,
          memberCache: this.#members,
        });
        if (epoch !== this.#epoch) continue;
        for (const event of read.events) this.#dispatch(event);
        this.#position = read.next;
        if (read.events.length >= this.#batchSize) continue;
        minGap = readGapMs(read.events.length);
        if (read.held) delay = HELD_RETRY_MS;
      } catch (error) {
        this.#onError(error);
        delay = ERROR_RETRY_MS;
      }
      if (!this.#woken) await this.#sleep(delay, true);
      const gap = minGap - (Date.now() - readStartedAt);
      if (gap > 0 && this.#count > 0) await this.#sleep(gap, false);
    }
  }

  /** Sleeps `ms`; a wake-up (a signal, a stop) ends it early when `wakeable`. */
  async #sleep(ms: number, wakeable: boolean): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref?.();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      if (wakeable) this.#wake = done;
    });
    if (wakeable) this.#wake = undefined;
  }

  #dispatch(event: TailedEvent): void {
    const users = this.#listeners.get(event.appId);
    if (users === undefined) return;
    // Member ids are unique within a session; the subject may be one of them.
    if (event.subjectId !== null) deliver(users.get(event.subjectId), event);
    for (const member of event.members) {
      if (member !== event.subjectId) deliver(users.get(member), event);
    }
  }
}

function deliver(listeners: Set<UserEventListener> | undefined, event: TailedEvent): void {
  if (listeners === undefined) return;
  for (const listener of [...listeners]) {
    try {
      listener(event);
    } catch {
      // a subscriber's failure must not stop the others
    }
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
