import { type Caller, createCaller, toHiarError } from "@collab/api";
import { errorResponse, HiarError, parseOrThrow, successEnvelope } from "@collab/contracts";
import { getDb } from "@collab/db";
import type * as z from "zod";
import { serverConfig } from "../config";
import { logger } from "../logger";
import { traceIdFrom } from "../trace";
import { authenticate } from "./authenticate";
import { assertJsonContentType, parseJsonBody, readBodyCapped } from "./read-body";

/** A documented HiAR operation (contracts' HIAR_OPERATIONS) bound to the procedure serving it. */
export interface RestBinding<S extends z.ZodType, D> {
  readonly operation: { readonly path: string; readonly request: S };
  /** Calls the same procedure the console uses and renders its result as the envelope's data. */
  readonly run: (caller: Caller, input: z.output<S>) => Promise<D>;
}

type RouteContext = { params: Promise<Record<string, string | string[] | undefined>> };

/** Seconds a client should wait before retrying UNAVAILABLE / RATE_LIMITED. */
const RETRY_AFTER_SECONDS = "1";

/**
 * A Next.js POST handler for one HiAR operation: body cap (413) → JSON only (415) → JSON parse
 * (400) → HiAR signature, date and nonce (401) → contract (400) → procedure → envelope. Every
 * response carries `trace`; every request logs one line without secrets or signatures.
 * `prefixed` routes live under `/[capability]/…` and answer only for the configured prefix.
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

    try {
      if (options.prefixed) await assertCapability(context);
      const raw = await readBodyCapped(request);
      assertJsonContentType(request);
      const json = parseJsonBody(raw);
      const db = await getDb();
      appId = (await authenticate(request, db.prisma)).appId;
      const input = parseOrThrow(operation.request, json);
      const caller = createCaller({ db: db.prisma, app: { id: appId }, trace: { id: traceId } });
      body = successEnvelope(await binding.run(caller, input));
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
      headers.set("retry-after", RETRY_AFTER_SECONDS);
    }
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

async function assertCapability(context: RouteContext): Promise<void> {
  const { capability } = await context.params;
  if (`/${String(capability)}` !== serverConfig.capabilityPrefix) {
    throw new HiarError("NOT_FOUND", "no such endpoint");
  }
}
