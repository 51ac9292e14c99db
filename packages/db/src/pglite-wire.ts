/**
 * pglite-socket (0.2.17) serves several client connections over PGlite's ONE PostgreSQL session
 * by queueing their protocol messages, but outside a transaction it interleaves them message by
 * message. The extended query protocol is a group of messages (Parse, Bind, Describe, Execute …
 * Sync) that share the session's unnamed statement and portal: two connections interleaving their
 * groups bind one client's parameters to the other's statement ("bind message supplies 1
 * parameters, but prepared statement "" requires 2" — or, worse, a wrong but valid query). Any
 * second connection triggers it: a tool or test client next to Prisma's pool, a LISTEN client.
 *
 * This replaces the queue's scheduler so that, besides an open transaction (as before), an open
 * extended-query group keeps the session for its connection until its Sync. Everything else is
 * the library's behaviour. The library's internals are checked first: an upgrade that changes
 * them fails loudly at start instead of corrupting queries.
 */

interface QueuedMessage {
  readonly handlerId: number;
  readonly message: Uint8Array;
  resolve(bytes: number): void;
  reject(error: unknown): void;
  onData(data: Uint8Array): void;
}

interface QueryQueueInternals {
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  db: {
    isInTransaction(): boolean;
    runExclusive<T>(fn: () => Promise<T>): Promise<T>;
    execProtocolRawStream(
      message: Uint8Array,
      options: { onRawData: (data: Uint8Array) => void },
    ): Promise<unknown>;
  };
  processQueue(): Promise<void>;
}

// Frontend message types (first byte) that open or continue an extended-query group, and those
// that end one.
const GROUP_MESSAGES = new Set([0x50, 0x42, 0x44, 0x45, 0x43, 0x48]); // P B D E C H
const GROUP_ENDS = new Set([0x53, 0x51, 0x58]); // S(ync) Q(uery) X (terminate)

export function keepExtendedQueryGroupsTogether(server: object): void {
  const internals = server as {
    queryQueue?: Partial<QueryQueueInternals>;
    handlers?: Set<{ handlerId: number }>;
  };
  const q = internals.queryQueue;
  const handlers = internals.handlers;
  if (
    q === undefined ||
    !Array.isArray(q.queue) ||
    typeof q.processQueue !== "function" ||
    typeof q.db?.execProtocolRawStream !== "function" ||
    !(handlers instanceof Set)
  ) {
    throw new Error(
      "@electric-sql/pglite-socket's internals changed: review packages/db/src/pglite-wire.ts",
    );
  }
  const queue = q as QueryQueueInternals;
  let groupOpen = false;
  const attached = (id: number | null) =>
    id !== null && [...handlers].some((handler) => handler.handlerId === id);

  queue.processQueue = async function processQueue(): Promise<void> {
    if (queue.processing || queue.queue.length === 0) return;
    queue.processing = true;
    try {
      while (queue.queue.length > 0) {
        const owner = queue.lastHandlerId;
        const sticky = (groupOpen || queue.db.isInTransaction()) && attached(owner);
        if (!sticky) groupOpen = false;
        let item: QueuedMessage | undefined;
        if (sticky) {
          const index = queue.queue.findIndex((m) => m.handlerId === owner);
          // The owner's next message has not arrived yet: wait for it (enqueue restarts us).
          if (index === -1) break;
          item = queue.queue.splice(index, 1)[0];
        } else {
          item = queue.queue.shift();
        }
        if (item === undefined) break;
        const current = item;
        let bytes = 0;
        try {
          await queue.db.runExclusive(() =>
            queue.db.execProtocolRawStream(current.message, {
              onRawData: (data) => {
                bytes += data.length;
                current.onData(data);
              },
            }),
          );
        } catch (error) {
          current.reject(error);
          continue;
        }
        const type = current.message[0] ?? 0;
        if (GROUP_MESSAGES.has(type)) groupOpen = true;
        else if (GROUP_ENDS.has(type)) groupOpen = false;
        queue.lastHandlerId = current.handlerId;
        current.resolve(bytes);
      }
    } finally {
      queue.processing = false;
    }
  };
}
