import { getErrorShape, type TRPCError } from "@trpc/server";
import type { InnerContext } from "../context";
import { appRouter, createCaller } from "../root";
import { bearerToken } from "../user/authenticate";
import { type SseSink, writeSseSubscription } from "./write-subscription";

// `user.onEvent` (a device's live channel) answered without tRPC's HTTP handler: the request is
// read the way tRPC reads a subscription's (its `input` and `connectionParams` query parameters,
// Last-Event-ID merged into the input), the procedure is called through the router's caller (the
// same middleware, authentication and validation), and its values are written as tRPC's events
// (write-subscription.ts). A request in any other shape is left to tRPC's handler, which answers
// it as it always has.

export const USER_EVENT_STREAM_PATH = "user.onEvent";

/** A plain `user.onEvent` request: what this module serves itself. */
export interface UserEventStreamRequest {
  /** The procedure's input, as tRPC would hand it (Last-Event-ID merged in). */
  readonly input: unknown;
  /** The user token: `Authorization: Bearer …`, else the connection parameter `token`. */
  readonly userToken: string | null;
  /** The client's last event id (header or query), for the stream's id bookkeeping. */
  readonly lastEventId: string | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/**
 * Reads a subscription request's query and headers as tRPC does, or returns null when it is not
 * plainly a single call with well-formed parameters (a batch, JSON that does not parse,
 * connection parameters that are not strings): tRPC's handler then answers with its own error.
 */
export function parseUserEventStreamRequest(
  searchParams: URLSearchParams,
  headers: {
    readonly authorization?: string | undefined;
    readonly lastEventId?: string | undefined;
  },
): UserEventStreamRequest | null {
  if (searchParams.has("batch")) return null;
  let input: unknown;
  const rawInput = searchParams.get("input");
  if (rawInput) {
    const parsed = parseJson(rawInput);
    if (!parsed.ok) return null;
    input = parsed.value;
  }
  let token: string | null = null;
  const rawParams = searchParams.get("connectionParams");
  if (rawParams !== null) {
    const parsed = parseJson(rawParams);
    if (!parsed.ok) return null;
    if (parsed.value !== null) {
      if (!isRecord(parsed.value)) return null;
      if (Object.values(parsed.value).some((value) => typeof value !== "string")) return null;
      token = (parsed.value.token as string | undefined) ?? null;
    }
  }
  const lastEventId =
    headers.lastEventId ??
    searchParams.get("lastEventId") ??
    searchParams.get("Last-Event-Id") ??
    null;
  if (lastEventId) {
    if (isRecord(input)) input = { ...input, lastEventId };
    else input ??= { lastEventId };
  }
  return { input, userToken: bearerToken(headers.authorization) ?? token, lastEventId };
}

export interface StreamUserEventsOptions {
  /** The request's context (db, trace, settings); the user token comes from the request. */
  readonly context: Omit<InnerContext, "userToken" | "browser" | "app">;
  readonly request: UserEventStreamRequest;
  readonly sink: SseSink;
  /** Aborted when the client goes away. */
  readonly signal: AbortSignal;
  /** Told of every error the stream sends (a refused call, an expired token, a failure). */
  readonly onError: (error: TRPCError) => void;
}

/** Writes the user's events until the client leaves or the stream ends (an expired token). */
export function streamUserEvents(options: StreamUserEventsOptions): Promise<void> {
  const { request, signal } = options;
  const config = appRouter._def._config;
  let listening: () => void = () => {};
  const subscribed = new Promise<void>((resolve) => {
    listening = resolve;
  });
  const context: InnerContext = {
    ...options.context,
    app: null,
    userToken: request.userToken,
    // `connected` then means "listening": an event committed after it arrives live.
    onSubscribed: () => listening(),
  };
  const ping = config.sse?.ping;
  return writeSseSubscription(
    () => createCaller(context, { signal }).user.onEvent(request.input as never),
    options.sink,
    {
      client: config.sse?.client ?? {},
      pingIntervalMs: ping?.enabled === true ? (ping.intervalMs ?? 1_000) : null,
      lastEventId: request.lastEventId,
      signal,
      subscribed,
      formatError: (error) => {
        options.onError(error);
        return getErrorShape({
          config,
          ctx: context,
          error,
          input: request.input,
          path: USER_EVENT_STREAM_PATH,
          type: "subscription",
        });
      },
    },
  );
}
