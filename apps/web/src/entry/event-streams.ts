import type { IncomingMessage, ServerResponse } from "node:http";

// The console's live streams (tRPC subscriptions over server-sent events, served by Next.js) as
// the entry sees them: open responses it can end on shutdown with a reconnection hint, between
// two events, so the browser's EventSource reconnects (to another instance) and resumes from its
// Last-Event-ID instead of seeing a broken event or a tRPC "return" that ends the subscription.

/** The `retry:` hint sent before a stream is ended: how long EventSource waits to reconnect. */
export const RECONNECT_HINT_MS = 1_000;

/** A stream still in the middle of an event this long after shutdown began is cut anyway. */
const END_AT_BOUNDARY_WITHIN_MS = 2_000;

const RETRY_HINT = Buffer.from(`retry: ${RECONNECT_HINT_MS}\n\n`);

/** An EventSource request (tRPC's httpSubscriptionLink sends Accept: text/event-stream). */
export function isEventStreamRequest(req: IncomingMessage): boolean {
  return req.method === "GET" && (req.headers.accept ?? "").includes("text/event-stream");
}

/** Answers an EventSource request itself during shutdown: reconnect (elsewhere) in a second. */
export function answerWithReconnectHint(res: ServerResponse): void {
  res.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache, no-transform",
    connection: "close",
  });
  res.end(RETRY_HINT);
}

function endsAnEvent(chunk: unknown): boolean {
  // SSE events end with a blank line; tRPC writes each field and the blank line as chunks.
  if (typeof chunk === "string") return chunk.endsWith("\n\n");
  if (chunk instanceof Uint8Array) {
    const n = chunk.length;
    return n >= 2 && chunk[n - 1] === 0x0a && chunk[n - 2] === 0x0a;
  }
  return false;
}

interface Stream {
  /** True when the last chunk written ended an event (or nothing was written yet). */
  atBoundary: boolean;
  /** Set on shutdown: end the stream at the next boundary. */
  ending: boolean;
  /** Ended by us: Next.js's later writes (it learns of the end on "close") are dropped. */
  ended: boolean;
  /** The response's own end(), before track() wrapped it. */
  readonly end: (chunk: Buffer) => void;
}

export class EventStreams {
  readonly #open = new Map<ServerResponse, Stream>();

  get size(): number {
    return this.#open.size;
  }

  /** Watches a response Next.js is about to stream, to know where its events end. */
  track(res: ServerResponse): void {
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    const stream: Stream = { atBoundary: true, ending: false, ended: false, end };
    this.#open.set(res, stream);
    res.once("close", () => this.#open.delete(res));
    res.write = ((...args: unknown[]) => {
      if (stream.ended) return false;
      const ok = write(...args);
      stream.atBoundary = endsAnEvent(args[0]);
      if (stream.ending && stream.atBoundary) finish(stream);
      return ok;
    }) as ServerResponse["write"];
    res.end = ((...args: unknown[]) =>
      stream.ended ? res : end(...args)) as ServerResponse["end"];
  }

  /** Ends every open stream between two events, with the reconnection hint. */
  endAll(): void {
    for (const [res, stream] of this.#open) {
      if (!res.headersSent) {
        // Nothing sent yet: a closed connection makes EventSource reconnect just the same.
        res.destroy();
      } else if (stream.atBoundary) {
        finish(stream);
      } else {
        stream.ending = true;
        setTimeout(() => res.destroy(), END_AT_BOUNDARY_WITHIN_MS).unref();
      }
    }
  }
}

function finish(stream: Stream): void {
  if (stream.ended) return;
  stream.ended = true;
  stream.end(RETRY_HINT);
}
