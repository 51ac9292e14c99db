import { getTRPCErrorFromUnknown, TRPCError, tracked } from "@trpc/server";
import { sseStreamProducer } from "@trpc/server/unstable-core-do-not-import";
import { afterEach, describe, expect, it, vi } from "vitest";
import { sseEvent, writeSseSubscription } from "./write-subscription";

// The writer must send exactly what tRPC's own SSE producer sends for the same values, or
// tRPC's client would read the user channel differently: each case runs through both.

const client = { reconnectAfterInactivityMs: 25_000 };
const formatError = (error: TRPCError) => ({ code: error.code, message: error.message });

type Values = () => AsyncIterable<unknown>;

async function throughTrpc(values: Values, lastEventId: string | null = null): Promise<string> {
  const stream = sseStreamProducer({
    data: values(),
    client,
    lastEventId,
    formatError: ({ error }) => formatError(getTRPCErrorFromUnknown(error)),
  });
  return new Response(stream).text();
}

async function throughWriter(
  start: () => Promise<AsyncIterable<unknown>>,
  options: { lastEventId?: string | null; signal?: AbortSignal; pingIntervalMs?: number } = {},
): Promise<string[]> {
  const events: string[] = [];
  await writeSseSubscription(
    start,
    { write: (event) => events.push(event) > 0, drained: async () => {} },
    {
      client,
      pingIntervalMs: options.pingIntervalMs ?? null,
      lastEventId: options.lastEventId ?? null,
      formatError,
      signal: options.signal ?? new AbortController().signal,
    },
  );
  return events;
}

const cases: [string, Values][] = [
  [
    "tracked values, then the end",
    async function* () {
      yield tracked("1:5", { kind: "ring", sessionID: "s1" });
      yield tracked("1:6", { kind: "ended" });
    },
  ],
  [
    "untracked values",
    async function* () {
      yield { a: 1 };
      yield "two";
    },
  ],
  [
    "an untracked value after a tracked one (the id is restored)",
    async function* () {
      yield tracked("7", { a: 1 });
      yield { b: 2 };
    },
  ],
  [
    "a failure after a value",
    async function* () {
      yield tracked("8", { a: 1 });
      throw new TRPCError({ code: "UNAUTHORIZED", message: "the user token has expired" });
    },
  ],
  [
    "a plain error",
    // biome-ignore lint/correctness/useYield: fails before its first value
    async function* () {
      throw new Error("boom");
    },
  ],
];

describe("writeSseSubscription", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each(cases)("sends tRPC's bytes: %s", async (_name, values) => {
    const ours = (await throughWriter(async () => values())).join("");
    expect(ours).toBe(await throughTrpc(values));
  });

  it("restores the client's own last event id after an untracked value", async () => {
    const values = async function* () {
      yield { c: 3 };
    };
    const ours = await throughWriter(async () => values(), { lastEventId: "41" });
    expect(ours.join("")).toBe(await throughTrpc(values, "41"));
    expect(ours.at(-2)).toBe(sseEvent({ event: "restore-id", data: "", id: "41" }));
  });

  it("sends a refused call as the stream's error, after connected, as tRPC does", async () => {
    const refusal = new TRPCError({ code: "UNAUTHORIZED", message: "no token" });
    const ours = await throughWriter(async () => {
      throw refusal;
    });
    // tRPC turns a refused call into a stream that fails at once.
    // biome-ignore lint/correctness/useYield: fails before its first value
    const failing = async function* () {
      throw refusal;
    };
    expect(ours.join("")).toBe(await throughTrpc(failing));
    expect(ours).toHaveLength(2);
  });

  it("says connected only once the subscription listens, or fails, or sends a value", async () => {
    const sink = () => {
      const events: string[] = [];
      return {
        events,
        sink: { write: (e: string) => events.push(e) > 0, drained: async () => {} },
      };
    };
    const open = (
      values: () => AsyncIterable<unknown>,
      subscribed: Promise<void>,
      out: ReturnType<typeof sink>,
    ) =>
      writeSseSubscription(async () => values(), out.sink, {
        client,
        pingIntervalMs: null,
        lastEventId: null,
        formatError,
        signal: new AbortController().signal,
        subscribed,
      });
    const connected = sseEvent({ event: "connected", data: JSON.stringify(client) });

    // Listening: connected goes out before any value, and not before the subscription says so.
    let listen: () => void = () => {};
    let send: () => void = () => {};
    const listening = new Promise<void>((resolve) => {
      listen = resolve;
    });
    const first = sink();
    const done = open(
      async function* () {
        await new Promise<void>((resolve) => {
          send = resolve;
        });
        yield tracked("1", { a: 1 });
      },
      listening,
      first,
    );
    // Everything that can run has run (the values wait for `send`): still nothing written.
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(first.events).toEqual([]);
    listen();
    await vi.waitFor(() => expect(first.events).toEqual([connected]));
    send();
    await done;
    expect(first.events).toHaveLength(3);

    // Never listening, but a value or a failure comes: connected first all the same.
    const never = new Promise<void>(() => {});
    const second = sink();
    await open(
      async function* () {
        yield tracked("2", { b: 2 });
      },
      never,
      second,
    );
    expect(second.events.slice(0, 2)).toEqual([
      connected,
      sseEvent({ data: JSON.stringify({ b: 2 }), id: "2" }),
    ]);
    const third = sink();
    await open(
      // biome-ignore lint/correctness/useYield: fails before its first value
      async function* () {
        throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: "too many streams" });
      },
      never,
      third,
    );
    expect(third.events).toEqual([
      connected,
      sseEvent({
        event: "serialized-error",
        data: JSON.stringify({ code: "TOO_MANY_REQUESTS", message: "too many streams" }),
      }),
    ]);
  });

  it("pings after a quiet interval only, and stops when the client leaves", async () => {
    vi.useFakeTimers();
    const leave = new AbortController();
    let release: () => void = () => {};
    const values = async function* () {
      yield tracked("1", { a: 1 });
      await new Promise<void>((resolve) => {
        release = resolve;
      });
    };
    const events: string[] = [];
    const done = writeSseSubscription(
      async () => values(),
      { write: (event) => events.push(event) > 0, drained: async () => {} },
      { client, pingIntervalMs: 1_000, lastEventId: null, formatError, signal: leave.signal },
    );
    await vi.advanceTimersByTimeAsync(999);
    expect(events).toHaveLength(2); // connected, the value: no ping yet
    await vi.advanceTimersByTimeAsync(1);
    expect(events.at(-1)).toBe(sseEvent({ event: "ping", data: "" }));
    await vi.advanceTimersByTimeAsync(2_000);
    expect(events).toHaveLength(5);
    leave.abort();
    release();
    await done;
    await vi.advanceTimersByTimeAsync(5_000);
    // Nothing after the client left: no return event, no more pings.
    expect(events).toHaveLength(5);
  });

  it("waits for a slow client before taking the next value", async () => {
    let drain: () => void = () => {};
    const written: string[] = [];
    let pulled = 0;
    const values = async function* () {
      for (let i = 0; i < 3; i++) {
        pulled += 1;
        yield tracked(String(i), i);
      }
    };
    const done = writeSseSubscription(
      async () => values(),
      {
        // Full after the first value (connected, then the value).
        write: (event) => written.push(event) !== 2,
        drained: () =>
          new Promise<void>((resolve) => {
            drain = resolve;
          }),
      },
      {
        client,
        pingIntervalMs: null,
        lastEventId: null,
        formatError,
        signal: new AbortController().signal,
      },
    );
    await vi.waitFor(() => expect(written).toHaveLength(2));
    expect(pulled).toBe(1);
    drain();
    await done;
    expect(written.at(-1)).toBe(sseEvent({ event: "return", data: "" }));
  });
});
