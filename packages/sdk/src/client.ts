import { randomUUID } from "node:crypto";
import { HIAR_OPERATIONS, type HiarOperation } from "@collab/contracts";
import { attempt } from "./attempt";
import { HiarApiError, HiarTransportError } from "./errors";
import type {
  CallOptions,
  OperationData,
  OperationInput,
  OperationMethods,
  OperationName,
} from "./operations";
import { type BackoffOptions, RETRYABLE_REASONS, retryDelay, sleep } from "./retry";
import { assertServerSide } from "./server-only";
import { SDK_VERSION } from "./version";

export interface HiarClientOptions {
  /** Where the API is: `http://localhost:3000`, or a URL with a prefix (`…/leliaRTC`). */
  readonly baseUrl: string | URL;
  /** Your app's id (APPID). */
  readonly appId: string;
  /** Your app's secret: keep it on the server. */
  readonly secret: string;
  /** A fetch implementation; default: the global one (Node 20+). */
  readonly fetch?: typeof fetch;
  /** Per attempt, headers and body; default 10 000 ms. */
  readonly timeoutMs?: number;
  /** Retries of UNAVAILABLE and RATE_LIMITED after the first attempt; default 2. */
  readonly retries?: number;
  /** Backoff between retries (defaults: 250 ms doubling to 8 s; Retry-After up to 60 s). */
  readonly backoff?: BackoffOptions;
}

export type HiarClient = OperationMethods & {
  /** Calls an operation by name (the methods do the same). */
  call<K extends OperationName>(
    name: K,
    input: OperationInput<K>,
    options?: CallOptions,
  ): Promise<OperationData<K>>;
  readonly baseUrl: string;
  readonly appId: string;
};

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_RETRIES = 2;
const USER_AGENT = `collab-sdk/${SDK_VERSION} node/${process.versions.node}`;

function checkOptions(options: HiarClientOptions): URL {
  let url: URL;
  try {
    url = new URL(options.baseUrl);
  } catch {
    throw new TypeError(`baseUrl: not a URL: ${String(options.baseUrl)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError("baseUrl: must be an http:// or https:// URL");
  }
  if (!options.appId) throw new TypeError("appId: required");
  if (!options.secret) throw new TypeError("secret: required");
  for (const [name, value] of [
    ["timeoutMs", options.timeoutMs],
    ["retries", options.retries],
  ] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
      throw new RangeError(`${name}: must be a non-negative integer`);
    }
  }
  return url;
}

/**
 * A client for every REST operation of the service, for server-side code. Each call is signed
 * (fresh nonce and date per attempt), carries a `trace` id, resolves to the envelope's typed
 * `data`, and throws HiarApiError (the API said no) or HiarTransportError (no usable answer).
 */
export function createHiarClient(options: HiarClientOptions): HiarClient {
  assertServerSide();
  const baseUrl = checkOptions(options);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== "function") throw new TypeError("fetch: none available (Node 20+)");

  async function call(name: OperationName, input: unknown, callOptions: CallOptions = {}) {
    const operation: HiarOperation | undefined = HIAR_OPERATIONS[name];
    if (operation === undefined) throw new TypeError(`unknown operation: ${String(name)}`);
    const trace = callOptions.trace ?? randomUUID().replaceAll("-", "");
    const retries = callOptions.retries ?? options.retries ?? DEFAULT_RETRIES;
    const body = JSON.stringify(input);

    for (let attempts = 1; ; attempts++) {
      try {
        return await attempt({
          fetch: fetchImpl,
          baseUrl,
          appId: options.appId,
          secret: options.secret,
          userAgent: USER_AGENT,
          operation,
          body,
          trace,
          timeoutMs: callOptions.timeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
          signal: callOptions.signal,
        });
      } catch (error) {
        if (error instanceof HiarApiError || error instanceof HiarTransportError) {
          error.attempts = attempts;
        }
        if (!(error instanceof HiarApiError) || !RETRYABLE_REASONS.has(error.reason)) throw error;
        if (attempts > retries) throw error;
        const delay = retryDelay(attempts, error.retryAfterMs, options.backoff);
        if (delay === undefined) throw error;
        await sleep(delay, callOptions.signal);
      }
    }
  }

  const methods = Object.fromEntries(
    Object.keys(HIAR_OPERATIONS).map((name) => [
      name,
      (input: unknown, callOptions?: CallOptions) =>
        call(name as OperationName, input, callOptions),
    ]),
  );
  return Object.freeze({
    ...methods,
    call,
    baseUrl: baseUrl.toString(),
    appId: options.appId,
  }) as unknown as HiarClient;
}
