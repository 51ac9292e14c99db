import { ERROR_CATALOGUE, ErrorEnvelope, type HiarOperation } from "@collab/contracts";
import { HEADER_TRACE, signRequestHeaders } from "@collab/hiar-auth";
import { HiarApiError, HiarTransportError } from "./errors";
import { parseRetryAfter } from "./retry";

// One signed HTTP attempt: a fresh nonce and date every time (a retry is a new request to the
// verifier), the operation's path appended to the base URL, the answer checked against the
// contracts before it is handed back typed.

export interface AttemptInput {
  readonly fetch: typeof fetch;
  readonly baseUrl: URL;
  readonly appId: string;
  readonly secret: string;
  readonly userAgent: string;
  readonly operation: Pick<HiarOperation, "path" | "response">;
  readonly body: string;
  readonly trace: string;
  readonly timeoutMs: number;
  readonly signal: AbortSignal | undefined;
}

/** `baseUrl` + the operation's path, keeping a path prefix such as /leliaRTC. */
export function operationUrl(baseUrl: URL, path: string): URL {
  const url = new URL(baseUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, "")}${path}`;
  url.search = "";
  url.hash = "";
  return url;
}

async function post(input: AttemptInput, url: URL) {
  const timeout = AbortSignal.timeout(input.timeoutMs);
  const signal = input.signal ? AbortSignal.any([input.signal, timeout]) : timeout;
  try {
    const response = await input.fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json",
        "user-agent": input.userAgent,
        [HEADER_TRACE]: input.trace,
        // Signed last, immediately before sending, so the date is as fresh as it can be.
        ...signRequestHeaders({ appId: input.appId, secret: input.secret, method: "POST", url }),
      },
      body: input.body,
      signal,
    });
    // The body is read under the same deadline as the headers.
    return { response, text: await response.text() };
  } catch (error) {
    if (input.signal?.aborted) throw input.signal.reason;
    if (timeout.aborted) {
      throw new HiarTransportError("timeout", `no answer within ${input.timeoutMs} ms`, {
        traceId: input.trace,
        cause: error,
      });
    }
    throw new HiarTransportError("network", `request failed: ${String(error)}`, {
      traceId: input.trace,
      cause: error,
    });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Sends once; resolves to the envelope's `data` or throws a typed error. */
export async function attempt(input: AttemptInput): Promise<unknown> {
  const { response, text } = await post(input, operationUrl(input.baseUrl, input.operation.path));
  const traceId = response.headers.get(HEADER_TRACE) ?? input.trace;
  const json = parseJson(text);

  if (response.status === 200) {
    const success = input.operation.response.safeParse(json);
    if (success.success) return (success.data as { data: unknown }).data;
    throw new HiarTransportError(
      "invalid_response",
      "the success answer is not the documented envelope",
      {
        traceId,
        httpStatus: 200,
        cause: success.error,
      },
    );
  }

  const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
  const envelope = ErrorEnvelope.safeParse(json);
  if (envelope.success) {
    const { code, reason, message } = envelope.data;
    throw new HiarApiError({
      code,
      reason,
      message,
      httpStatus: response.status,
      traceId,
      retryAfterMs,
    });
  }
  // A gateway in front of the service may answer 429/503 itself, without an envelope: those
  // still mean "try later".
  const bare =
    response.status === 429 ? "RATE_LIMITED" : response.status === 503 ? "UNAVAILABLE" : undefined;
  if (bare !== undefined) {
    const entry = ERROR_CATALOGUE[bare];
    throw new HiarApiError({
      code: entry.code,
      reason: bare,
      message: `HTTP ${response.status} without a HiAR envelope: ${entry.message}`,
      httpStatus: response.status,
      traceId,
      retryAfterMs,
    });
  }
  throw new HiarTransportError(
    "invalid_response",
    `HTTP ${response.status} without a HiAR envelope`,
    {
      traceId,
      httpStatus: response.status,
    },
  );
}
