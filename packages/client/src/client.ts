import type { AppRouter } from "@collab/api";
import type {
  UserCalls,
  UserChannelEvent,
  UserRingEvent,
  UserTransitionResult,
} from "@collab/contracts/user-channel";
import {
  createTRPCClient,
  httpLink,
  httpSubscriptionLink,
  splitLink,
  TRPCClientError,
} from "@trpc/client";
import { type BackoffOptions, reconnectDelay } from "./backoff";
import { RingBook, type RingEnd } from "./rings";
import { readUserToken } from "./token";

// The user channel's client (docs/user-channel.md): one device of one user. Mutations and the
// calls query go over plain HTTP with the token as a bearer; the live events over tRPC's SSE
// subscription with the token as a connection parameter (a browser's EventSource cannot set
// headers). Every event's tracked id is kept, so a reconnect (tRPC's own, or ours after an error,
// with backoff) resumes exactly after the last event received: no gap, no duplicate.

/** A user token, or a function returning a fresh one (called on every request and reconnect). */
export type TokenSource = string | (() => string | Promise<string>);

/** An EventSource constructor (the browser's, or e.g. the `eventsource` package on Node < 22). */
export type EventSourceConstructor = new (
  url: string,
  init?: Record<string, unknown>,
) => EventSource;

export interface UserClientOptions {
  /** The service's base URL, e.g. `https://collab.example.com` (its tRPC endpoint is /api/trpc). */
  readonly baseUrl: string;
  readonly token: TokenSource;
  /** Default: `globalThis.EventSource`. */
  readonly EventSource?: EventSourceConstructor;
  /** Default: `globalThis.fetch`. */
  readonly fetch?: typeof fetch;
  readonly backoff?: BackoffOptions;
  /** Resume after this event id (e.g. kept across a page reload); default: a first connect. */
  readonly lastEventId?: string | null;
  /** The device id this client answers as (default: the token's `did` claim). */
  readonly deviceID?: string | null;
}

export type ConnectionStatus =
  /** Not started, or closed. */
  | { readonly state: "idle" }
  | { readonly state: "connecting"; readonly attempt: number }
  | { readonly state: "connected" }
  /** Waiting `delayMs` before the next attempt, after `error`. */
  | {
      readonly state: "reconnecting";
      readonly attempt: number;
      readonly delayMs: number;
      readonly error: Error;
    }
  /** The token is refused and cannot be renewed (a fixed token): connect again with a new one. */
  | { readonly state: "unauthenticated"; readonly error: Error };

export interface UserClientEvents {
  /** Every event, with its tracked id (null for none). */
  event: (event: UserChannelEvent, id: string | null) => void;
  /** A ring starts (also one in progress when the device connects); never twice the same ring. */
  ring: (ring: UserRingEvent) => void;
  /** A ring ended; `elsewhere`: answered on another device. */
  ringEnded: (end: RingEnd) => void;
  status: (status: ConnectionStatus) => void;
}

export interface UserClient {
  /** The token's user (read from the token, null if it names none). */
  readonly userID: string | null;
  /** The device this client answers as. */
  readonly deviceID: string | null;
  /** Opens the live channel (idempotent); events flow to the listeners until close(). */
  connect(): void;
  /** Closes the live channel; connect() again resumes from the last event. */
  close(): void;
  on<K extends keyof UserClientEvents>(kind: K, listener: UserClientEvents[K]): () => void;
  /** The rings in progress, oldest first. */
  rings(): UserRingEvent[];
  status(): ConnectionStatus;
  /** The id of the last event received (what a reconnect resumes from). */
  lastEventId(): string | null;
  accept(call: CallRef): Promise<UserTransitionResult>;
  /** `why`: an optional reason code and extra, recorded on the event (docs/state-machine.md). */
  decline(call: CallRef, why?: Why): Promise<UserTransitionResult>;
  busy(call: CallRef, why?: Why): Promise<UserTransitionResult>;
  leave(call: CallRef, why?: Why): Promise<UserTransitionResult>;
  /** Current calls (ringing, talking) and recently missed rings. */
  calls(): Promise<UserCalls>;
}

/** A call to answer or leave: the collaboration and session (as a ring or a call carries them). */
export interface CallRef {
  readonly collaborationID: string;
  readonly sessionID: string;
}

/** Why a user declines, is busy or leaves: a short code (≤ 64 characters) and free text. */
export interface Why {
  readonly reason?: string;
  readonly extra?: string;
}

/** The server's HiAR reason of a tRPC error (e.g. `UNAUTHENTICATED`), if any. */
export function errorReason(error: unknown): string | null {
  if (!(error instanceof TRPCClientError)) return null;
  const data = error.data as { hiar?: { reason?: unknown } } | undefined;
  return typeof data?.hiar?.reason === "string" ? data.hiar.reason : null;
}

// Only the ids: a whole ring event may be passed, and the procedures accept no other field.
const pick = ({ collaborationID, sessionID }: CallRef): CallRef => ({ collaborationID, sessionID });

export function createUserClient(options: UserClientOptions): UserClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const url = `${baseUrl}/api/trpc`;
  const getToken = async () =>
    typeof options.token === "string" ? options.token : await options.token();
  const claims = typeof options.token === "string" ? readUserToken(options.token) : null;
  const deviceID = options.deviceID !== undefined ? options.deviceID : (claims?.deviceID ?? null);
  const EventSourceImpl =
    options.EventSource ??
    (globalThis as { EventSource?: EventSourceConstructor }).EventSource ??
    undefined;

  const trpc = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({
          url,
          connectionParams: async () => ({ token: await getToken() }),
          ...(EventSourceImpl === undefined
            ? {}
            : { EventSource: EventSourceImpl as unknown as typeof EventSource }),
        }),
        false: httpLink({
          url,
          ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
          headers: async () => ({ authorization: `Bearer ${await getToken()}` }),
        }),
      }),
    ],
  });

  const book = new RingBook(deviceID);
  const listeners: { [K in keyof UserClientEvents]: Set<UserClientEvents[K]> } = {
    event: new Set(),
    ring: new Set(),
    ringEnded: new Set(),
    status: new Set(),
  };
  let lastId: string | null = options.lastEventId ?? null;
  let status: ConnectionStatus = { state: "idle" };
  let subscription: { unsubscribe(): void } | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let attempt = 0;
  let open = false;

  const emit = <K extends keyof UserClientEvents>(
    kind: K,
    ...args: Parameters<UserClientEvents[K]>
  ) => {
    for (const listener of listeners[kind]) {
      try {
        (listener as (...a: Parameters<UserClientEvents[K]>) => void)(...args);
      } catch (error) {
        // A listener's bug must not stop the channel.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  };
  const setStatus = (next: ConnectionStatus) => {
    status = next;
    emit("status", next);
  };

  const deliver = (event: UserChannelEvent, id: string | null) => {
    if (id !== null) lastId = id;
    const change = book.apply(event);
    emit("event", event, id);
    if (change.ring) emit("ring", change.ring);
    if (change.end) emit("ringEnded", change.end);
  };

  const retry = (error: Error) => {
    subscription?.unsubscribe();
    subscription = null;
    if (!open) return;
    if (errorReason(error) === "UNAUTHENTICATED" && typeof options.token === "string") {
      open = false;
      setStatus({ state: "unauthenticated", error });
      return;
    }
    const delayMs = reconnectDelay(attempt, options.backoff);
    attempt += 1;
    setStatus({ state: "reconnecting", attempt, delayMs, error });
    timer = setTimeout(() => {
      timer = null;
      subscribe();
    }, delayMs);
  };

  function subscribe() {
    if (!open) return;
    setStatus({ state: "connecting", attempt });
    subscription = trpc.user.onEvent.subscribe(
      lastId === null ? undefined : { lastEventId: lastId },
      {
        onStarted() {
          attempt = 0;
          setStatus({ state: "connected" });
        },
        onData(envelope) {
          deliver(envelope.data, envelope.id ?? null);
        },
        onConnectionStateChange(change) {
          // tRPC's own reconnect (it resumes from the last tracked id, as we do).
          if (
            change.state === "connecting" &&
            change.error !== null &&
            status.state === "connected"
          ) {
            setStatus({ state: "connecting", attempt });
          } else if (change.state === "pending" && status.state !== "connected") {
            setStatus({ state: "connected" });
          }
        },
        onError(error) {
          retry(error instanceof Error ? error : new Error(String(error)));
        },
        onComplete() {
          if (open) retry(new Error("the channel closed"));
        },
      },
    );
  }

  const answer =
    (kind: "accept" | "decline" | "busy") =>
    async (call: CallRef, why?: Why): Promise<UserTransitionResult> => {
      book.answering(call.sessionID);
      try {
        return await (kind === "accept"
          ? trpc.user.accept.mutate(pick(call))
          : trpc.user[kind].mutate({ ...pick(call), ...why }));
      } catch (error) {
        book.answerFailed(call.sessionID);
        throw error;
      }
    };

  return {
    userID: claims?.userID ?? null,
    deviceID,
    connect() {
      if (open) return;
      open = true;
      attempt = 0;
      subscribe();
    },
    close() {
      open = false;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      subscription?.unsubscribe();
      subscription = null;
      setStatus({ state: "idle" });
    },
    on(kind, listener) {
      listeners[kind].add(listener);
      return () => {
        listeners[kind].delete(listener);
      };
    },
    rings: () => book.rings(),
    status: () => status,
    lastEventId: () => lastId,
    accept: answer("accept"),
    decline: answer("decline"),
    busy: answer("busy"),
    leave: (call, why) => trpc.user.leave.mutate({ ...pick(call), ...why }),
    calls: () => trpc.user.calls.query(),
  };
}
