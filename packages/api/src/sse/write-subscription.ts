import { getTRPCErrorFromUnknown, isTrackedEnvelope, type TRPCError } from "@trpc/server";

// A subscription's values written as tRPC's server-sent events, byte for byte what tRPC's own
// SSE response sends (`connected` with the client options, `data`/`id` per value, `ping` after
// a quiet interval, `return` at the end, `serialized-error` on a failure), so tRPC's
// httpSubscriptionLink reads it unchanged. It exists because a stream held open for hours by
// thousands of devices cost ~53 KiB of heap each through tRPC's web-stream pipeline and ~3 KiB
// here (docs/user-channel.md, "How a stream is served"); write-subscription.test.ts compares the
// bytes with tRPC's own producer.

/** Where the events go (an HTTP response). Each `write` is one whole event. */
export interface SseSink {
  /** False when the client is slow: wait for `drained` before the next value. */
  write(event: string): boolean;
  /** Resolves when the sink takes more, or it closed. */
  drained(): Promise<void>;
}

export interface SseSubscriptionOptions {
  /** Sent as the `connected` event's data (tRPC's `sse.client`). */
  readonly client: object;
  /** A `ping` event after this long without an event (tRPC's `sse.ping`); null: none. */
  readonly pingIntervalMs: number | null;
  /** The id the client's EventSource holds (Last-Event-ID), restored after an untracked value. */
  readonly lastEventId: string | null;
  /** The error shape sent to the client (the router's error formatter). */
  readonly formatError: (error: TRPCError) => unknown;
  /** Aborted when the client goes away: the values stop and nothing more is written. */
  readonly signal: AbortSignal;
  /**
   * Resolves once the subscription listens (it has started, and said so): `connected` waits for
   * it, or for the first value or failure. Without it, `connected` is sent once the call passed.
   */
  readonly subscribed?: Promise<void>;
}

/** The response headers tRPC sends with a subscription's events. */
export const SSE_HEADERS = {
  "content-type": "text/event-stream",
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no",
} as const;

/** One event as tRPC writes it: fields, each on its line, then a blank line and one more. */
export function sseEvent(fields: { event?: string; data: string; id?: string }): string {
  let text = fields.event === undefined ? "" : `event: ${fields.event}\n`;
  text += `data: ${fields.data}\n`;
  if (fields.id !== undefined) text += `id: ${fields.id}\n`;
  return `${text}\n\n`;
}

const PING = sseEvent({ event: "ping", data: "" });
const RETURN = sseEvent({ event: "return", data: "" });

function isAbort(error: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (error instanceof Error && error.name === "AbortError");
}

/**
 * Writes the subscription `start` returns until it ends, fails or `signal` aborts. `start`
 * failing (the procedure refused the call) is sent as the stream's `serialized-error` after
 * `connected`, as tRPC does. Never throws.
 */
export async function writeSseSubscription(
  start: () => Promise<AsyncIterable<unknown>>,
  sink: SseSink,
  options: SseSubscriptionOptions,
): Promise<void> {
  const { signal } = options;
  let ping: NodeJS.Timeout | undefined;
  const write = (event: string): boolean => {
    ping?.refresh();
    return sink.write(event);
  };
  let connected = false;
  const connect = () => {
    if (connected) return;
    connected = true;
    write(sseEvent({ event: "connected", data: JSON.stringify(options.client) }));
  };
  let lastEventId =
    options.lastEventId && !/[\0\n\r]/.test(options.lastEventId) ? options.lastEventId : null;
  let iterator: AsyncIterator<unknown> | undefined;
  try {
    iterator = (await start())[Symbol.asyncIterator]();
    // Started at once: the subscription begins listening while nothing is sent yet.
    let next = iterator.next();
    if (options.subscribed !== undefined) {
      await Promise.race([options.subscribed, next.then(noop, noop), aborted(signal)]);
    }
    connect();
    if (options.pingIntervalMs !== null) {
      // One timer per stream, pushed back by every write: a ping only after a quiet interval.
      ping = setTimeout(function beat() {
        if (signal.aborted) return;
        sink.write(PING);
        ping?.refresh();
      }, options.pingIntervalMs);
    }
    for (;;) {
      const result = await next;
      if (result.done || signal.aborted) break;
      const value = result.value;
      let more: boolean;
      if (isTrackedEnvelope(value)) {
        lastEventId = value[0];
        more = write(sseEvent({ data: JSON.stringify(value[1]), id: value[0] }));
      } else if (lastEventId === null) {
        more = write(sseEvent({ data: JSON.stringify(value) }));
      } else {
        // EventSource gives an event without an id the last id it had: clear it for this one,
        // then set it back with an event clients ignore, so a reconnect still resumes from it.
        write(sseEvent({ data: JSON.stringify(value), id: "" }));
        more = write(sseEvent({ event: "restore-id", data: "", id: lastEventId }));
      }
      if (!more) await sink.drained();
      next = iterator.next();
    }
    if (!signal.aborted) write(RETURN);
  } catch (cause) {
    if (isAbort(cause, signal)) return;
    connect();
    const error = getTRPCErrorFromUnknown(cause);
    write(
      sseEvent({ event: "serialized-error", data: JSON.stringify(options.formatError(error)) }),
    );
  } finally {
    clearTimeout(ping);
    // Left early (the client went away after a value): let the subscription clean up.
    if (signal.aborted) iterator?.return?.().catch(noop);
  }
}

function noop(): void {}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
}
