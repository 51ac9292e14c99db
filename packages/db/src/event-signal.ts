import { randomUUID } from "node:crypto";
import pg from "pg";
import type { Db } from "./client";
import type { PrismaClient } from "./generated/prisma/client";

// "Session events were committed": the wake-up every live reader of session_event shares (the
// user channel's tail, the webhook dispatcher). Writers call notify() AFTER their transaction
// committed (a NOTIFY inside it would serialise every commit of the cluster on PostgreSQL's
// notification queue lock). It wakes this process's listeners at once and, on PostgreSQL, every
// other process through NOTIFY on one channel, received by one LISTEN connection per process.
// It carries no data: listeners read the table themselves, so a lost or duplicated signal costs
// latency (until their fallback poll), never an event. PGlite is one process: in-process only.
// A NOTIFY carries its sender's id, and a process ignores its own when it comes back through
// LISTEN: its listeners heard it at once already, and a second wake-up is a second read.

export const SESSION_EVENT_CHANNEL = "collab_session_event";

/**
 * NOTIFYs of one process start at least this far apart; signals meanwhile coalesce into the next
 * one. This process's listeners hear every signal at once; other processes' readers gather their
 * reads for longer anyway (the user channel's tail reads at most every 100 ms under load). Under
 * load a NOTIFY per commit was one more statement per invite, through the pool and through the
 * notification queue's lock at its commit.
 */
export const NOTIFY_GAP_MS = 25;

/** Reconnection delays of the LISTEN connection after it fails (doubling, capped). */
const LISTEN_RETRY_MS = { base: 500, max: 10_000 };

export interface SessionEventSignal {
  /** Tell every listener, here and in other processes, that session events were committed. */
  notify(): void;
  /** Calls `listener` on every signal (and when the LISTEN connection is back after a loss). */
  onSignal(listener: () => void): () => void;
  /** Whether signals from other processes arrive (a LISTEN connection is up). */
  readonly listening: boolean;
}

interface Connection {
  readonly kind: Db["kind"];
  readonly url: string;
  /** Opens a client of its own for the live readers (tailReaderFor); PostgreSQL only. */
  readonly openReader?: () => PrismaClient;
}

class Signal implements SessionEventSignal {
  readonly #prisma: PrismaClient;
  readonly #connection: Connection | undefined;
  readonly #listeners = new Set<() => void>();
  /** The payload of this signal's NOTIFYs: who sent them (one per client and process). */
  readonly #sender = randomUUID();
  #notifying = false;
  #notifyAgain = false;
  #gapTimer: ReturnType<typeof setTimeout> | undefined;
  #client: pg.Client | undefined;
  #listening = false;
  #closed = false;
  #retryMs = LISTEN_RETRY_MS.base;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(prisma: PrismaClient, connection: Connection | undefined) {
    this.#prisma = prisma;
    this.#connection = connection;
  }

  get listening(): boolean {
    return this.#listening;
  }

  notify(): void {
    queueMicrotask(() => this.#emit());
    if (this.#connection?.kind !== "postgres" || this.#closed) return;
    // One NOTIFY in flight or within its gap per process; signals meanwhile coalesce into the
    // next one.
    if (this.#notifying) {
      this.#notifyAgain = true;
      return;
    }
    this.#sendNotify();
  }

  #sendNotify(): void {
    this.#notifying = true;
    const startedAt = performance.now();
    this.#prisma.$queryRaw`SELECT pg_notify(${SESSION_EVENT_CHANNEL}, ${this.#sender})`
      .catch(() => {
        // The database is unreachable: readers catch up by their fallback poll.
      })
      .finally(() => {
        const next = () => {
          this.#gapTimer = undefined;
          if (this.#notifyAgain && !this.#closed) {
            this.#notifyAgain = false;
            this.#sendNotify();
          } else {
            this.#notifying = false;
          }
        };
        const gap = NOTIFY_GAP_MS - (performance.now() - startedAt);
        if (gap <= 0) return next();
        this.#gapTimer = setTimeout(next, gap);
        this.#gapTimer.unref?.();
      });
  }

  onSignal(listener: () => void): () => void {
    this.#listeners.add(listener);
    this.#listen();
    return () => {
      this.#listeners.delete(listener);
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#listeners.clear();
    if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer);
    if (this.#gapTimer !== undefined) clearTimeout(this.#gapTimer);
    const client = this.#client;
    this.#client = undefined;
    this.#listening = false;
    await client?.end().catch(() => {});
  }

  #emit(): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener();
      } catch {
        // one listener's failure must not silence the others
      }
    }
  }

  #listen(): void {
    if (this.#connection?.kind !== "postgres" || this.#client !== undefined || this.#closed) return;
    if (this.#retryTimer !== undefined) return;
    const client = new pg.Client({
      connectionString: this.#connection.url,
      connectionTimeoutMillis: 5_000,
      keepAlive: true,
    });
    this.#client = client;
    const lost = () => {
      if (this.#client !== client) return;
      this.#client = undefined;
      this.#listening = false;
      client.end().catch(() => {});
      if (this.#closed) return;
      this.#retryTimer = setTimeout(() => {
        this.#retryTimer = undefined;
        this.#listen();
      }, this.#retryMs);
      this.#retryTimer.unref?.();
      this.#retryMs = Math.min(this.#retryMs * 2, LISTEN_RETRY_MS.max);
    };
    client.on("error", lost);
    client.on("end", lost);
    client.on("notification", (message) => {
      if (message.channel === SESSION_EVENT_CHANNEL && message.payload !== this.#sender) {
        this.#emit();
      }
    });
    client
      .connect()
      .then(() => client.query(`LISTEN ${SESSION_EVENT_CHANNEL}`))
      .then(() => {
        if (this.#client !== client) return;
        this.#listening = true;
        this.#retryMs = LISTEN_RETRY_MS.base;
        // Signals sent while not listening were lost: listeners read once now.
        this.#emit();
      })
      .catch(lost);
  }
}

const SIGNALS = Symbol.for("@collab/db/session-event-signals");
type SignalStore = Record<
  symbol,
  {
    byClient: WeakMap<PrismaClient, Signal>;
    connections: WeakMap<PrismaClient, Connection>;
    readers: WeakMap<PrismaClient, PrismaClient>;
  }
>;

function store(): SignalStore[typeof SIGNALS] {
  const global = globalThis as unknown as SignalStore;
  global[SIGNALS] ??= {
    byClient: new WeakMap(),
    connections: new WeakMap(),
    readers: new WeakMap(),
  };
  return global[SIGNALS];
}

/**
 * The client the live readers of session_event (the user channel's tail) read through: on
 * PostgreSQL a connection of its own, opened on first use and closed with the database, so that
 * a read never waits in the pool behind the requests (under load that wait was the ring's
 * latency); on PGlite, or for a client createDb did not open, the client itself.
 */
export function tailReaderFor(prisma: PrismaClient): PrismaClient {
  const { connections, readers } = store();
  let reader = readers.get(prisma);
  if (reader === undefined) {
    reader = connections.get(prisma)?.openReader?.() ?? prisma;
    readers.set(prisma, reader);
  }
  return reader;
}

/**
 * Makes the signal of `db` cross processes (LISTEN/NOTIFY on its connection string); createDb
 * does it for every database it opens. Closing the returned function stops listening.
 */
export function registerSessionEventSignal(
  db: Pick<Db, "prisma" | "kind" | "url">,
  openReader?: () => PrismaClient,
): () => Promise<void> {
  store().connections.set(db.prisma, { kind: db.kind, url: db.url, openReader });
  return async () => {
    const { byClient, readers } = store();
    const signal = byClient.get(db.prisma);
    byClient.delete(db.prisma);
    const reader = readers.get(db.prisma);
    readers.delete(db.prisma);
    await signal?.close();
    if (reader !== undefined && reader !== db.prisma) await reader.$disconnect().catch(() => {});
  };
}

/**
 * The session event signal of a database client: one per client per process (on globalThis,
 * since Next.js may load this module more than once). For a client createDb did not open, the
 * signal stays within this process.
 */
export function sessionEventSignalFor(prisma: PrismaClient): SessionEventSignal {
  const { byClient, connections } = store();
  let signal = byClient.get(prisma);
  if (signal === undefined) {
    signal = new Signal(prisma, connections.get(prisma));
    byClient.set(prisma, signal);
  }
  return signal;
}
