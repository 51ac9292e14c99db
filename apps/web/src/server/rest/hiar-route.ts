import { type Caller, createCaller, toHiarError } from "@collab/api";
import { errorResponse, HiarError, successEnvelope } from "@collab/contracts";
import { getDb } from "@collab/db";
import type * as z from "zod";
import { serverConfig } from "../config";
import { logger } from "../logger";
import { traceIdFrom } from "../trace";
import { authenticate } from "./authenticate";
import { restRateLimiter } from "./rate-limit";
import { assertJsonContentType, parseJsonBody, readBodyCapped } from "./read-body";

/**
 * A documented HiAR operation (contracts' HIAR_OPERATIONS) bound to the procedure serving it.
 * That procedure's `.input()` is `operation.request`, so the procedure validates the body, once
 * (operations.test.ts checks each binding calls a procedure with that very schema).
 */
export interface RestBinding<S extends z.ZodType, D> {
  readonly operation: { readonly path: string; readonly request: S };
  /**
   * Calls the same procedure the console uses and renders its result as the envelope's data.
   * `input` is the body as sent (typed as the contract's input, not yet validated).
   */
  readonly run: (caller: Caller, input: z.input<S>) => Promise<D>;
}

type RouteContext = { params: Promise<Record<string, string | string[] | undefined>> };

/** Retry-After of UNAVAILABLE (and of a RATE_LIMITED the limiter did not time). */
const DEFAULT_RETRY_AFTER_SECONDS = 1;

/**
 * A Next.js POST handler for one HiAR operation: body cap (413) → JSON only (415) → JSON parse
 * (400) → HiAR signature, date and nonce (401) → the app's rate limit (429) → procedure, whose
 * input is the contract (400) → envelope. Every response carries `trace`; every request logs one
 * line without secrets or signatures. `prefixed` routes live under `/[capability]/…` and answer
 * only for the configured prefix.
 */
export function hiarRoute<S extends z.ZodType, D>(
  binding: RestBinding<S, D>,
  options: { prefixed?: boolean } = {},
) {
  const { operation } = binding;
  return async function POST(request: Request, context: RouteContext): Promise<Response> {
    const startedAt = performance.now();
    const traceId = traceIdFrom(request.headers);
    let appId: string | undefined;
    let status: number;
    let body: unknown;
    let failure: HiarError | undefined;
    let retryAfterSeconds: number | undefined;

    try {
      if (options.prefixed) await assertCapability(context);
      const raw = await readBodyCapped(request);
      assertJsonContentType(request);
      const json = parseJsonBody(raw);
      const db = await getDb();
      appId = (await authenticate(request, db.prisma)).appId;
      const limited = rateLimitFor(appId);
      if (limited !== undefined) {
        retryAfterSeconds = limited.retryAfterSeconds;
        throw limited.error;
      }
      const caller = createCaller({ db: db.prisma, app: { id: appId }, trace: { id: traceId } });
      // The one cast: the procedure's `.input()` (this operation's contract) validates the body.
      body = successEnvelope(await binding.run(caller, json as z.input<S>));
      status = 200;
    } catch (error) {
      failure = toHiarError(error);
      const mapped = errorResponse(failure);
      status = mapped.httpStatus;
      body = mapped.body;
      if (failure.reason === "INTERNAL") {
        // The stack stays in the server log; the caller sees only the catalogue's message.
        logger.error({ trace: traceId, route: operation.path, err: error }, "unhandled error");
      }
    }

    const headers = new Headers({ "content-type": "application/json", trace: traceId });
    if (failure?.reason === "UNAVAILABLE" || failure?.reason === "RATE_LIMITED") {
      retryAfterSeconds ??= DEFAULT_RETRY_AFTER_SECONDS;
    }
    if (retryAfterSeconds !== undefined) headers.set("retry-after", String(retryAfterSeconds));
    logger.info({
      trace: traceId,
      app: appId,
      route: operation.path,
      status,
      code: failure?.code ?? 0,
      durationMs: Math.round((performance.now() - startedAt) * 100) / 100,
    });
    return new Response(JSON.stringify(body), { status, headers });
  };
}

/**
 * The RATE_LIMITED refusal (and its Retry-After) when `appId` has used up its tokens, or
 * undefined when the request may go on (it has taken a token) or there is no limit.
 */
function rateLimitFor(appId: string): { error: HiarError; retryAfterSeconds: number } | undefined {
  const limiter = restRateLimiter(serverConfig.rateLimit);
  if (limiter === null) return undefined;
  const decision = limiter.take(appId);
  if (decision.allowed) return undefined;
  const { perSecond, burst } = limiter.config;
  return {
    error: new HiarError(
      "RATE_LIMITED",
      `too many requests for this app (at most ${perSecond} a second, bursts of ${burst})`,
    ),
    retryAfterSeconds: decision.retryAfterSeconds,
  };
}

async function assertCapability(context: RouteContext): Promise<void> {
  const { capability } = await context.params;
  if (`/${String(capability)}` !== serverConfig.capabilityPrefix) {
    throw new HiarError("NOT_FOUND", "no such endpoint");
  }
}
