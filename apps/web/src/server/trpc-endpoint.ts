import {
  appRouter,
  CONSOLE_ENDPOINT_LIMITS,
  createOuterContext,
  limitRequestBody,
  toHiarError,
} from "@collab/api";
import { getDb } from "@collab/db";
import { currentSettings } from "@collab/settings";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import type { Logger } from "pino";
import { consoleSessionConfig } from "./console-session";
import { domainSettings } from "./domain-settings";
import { processLimitStore } from "./limit-store";
import { appLogger } from "./logger";
import { consoleSignInThrottle } from "./sign-in-throttle";
import { traceIdFrom } from "./trace";

// The console's typed endpoint (queries, mutations, and live subscriptions over SSE). The outer
// context reads the signed session cookie and looks its session up: its app is the tenant;
// without one, every procedure but auth.signIn answers UNAUTHENTICATED. The user procedures
// (`user.*`) ignore the cookie and take the user token (Authorization: Bearer, or a
// subscription's connection parameter `token`). Browser mutations must
// be same-origin. Requests are bounded (CONSOLE_ENDPOINT_LIMITS: calls per batch, body bytes),
// and whatever is wrong with a request (unknown procedure, bad JSON, wrong method, …) gets a
// catalogue 4xx in tRPC's error shape, logged at info without a stack.
// Served by Next.js's route (app/api/trpc/[trpc]/route.ts) and, for the user channel's streams,
// by the server entry itself (entry/trpc-streams.ts): one handler, the same answers.
export async function handleTrpcRequest(request: Request): Promise<Response> {
  const traceId = traceIdFrom(request.headers);
  // The entry has checked them at start; this bundle parses them once (currentSettings).
  const settings = currentSettings();
  const logger = appLogger();
  const response = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req: limitRequestBody(request, CONSOLE_ENDPOINT_LIMITS.maxBodyBytes),
    router: appRouter,
    maxBatchSize: CONSOLE_ENDPOINT_LIMITS.maxBatchSize,
    createContext: async ({ req, resHeaders, info }) => {
      const db = (await getDb(settings.database)).prisma;
      return createOuterContext({
        req,
        resHeaders,
        connectionParams: info.connectionParams,
        db,
        trace: { id: traceId },
        settings: domainSettings(settings),
        session: consoleSessionConfig(settings),
        signInThrottle: consoleSignInThrottle(processLimitStore(settings.limits, db, logger)),
      });
    },
    onError: ({ error, path }) => logTrpcError(logger, traceId, error, path),
  });
  // tRPC leaves the content type unset on a request it refused as a whole (the body is JSON).
  if (response.status >= 400 && !isJson(response)) {
    response.headers.set("content-type", "application/json");
  }
  // An oversized body was left unread: the connection cannot carry another request.
  if (response.status === 413) response.headers.set("connection", "close");
  response.headers.set("trace", traceId);
  return response;
}

/** One line per refused or failed call: at info without a stack, at error for a failure. */
export function logTrpcError(
  logger: Logger,
  traceId: string,
  error: unknown,
  path: string | undefined,
): void {
  const hiar = toHiarError(error);
  const line = {
    trace: traceId,
    // The path is the client's (an unknown procedure's too): bounded in the log.
    route: `trpc:${(path ?? "").slice(0, 100)}`,
    status: hiar.httpStatus,
    code: hiar.code,
    reason: hiar.reason,
  };
  if (hiar.reason === "INTERNAL") logger.error({ ...line, err: error }, "unhandled error");
  else logger.info(line, "request refused");
}

function isJson(response: Response): boolean {
  return response.headers.get("content-type")?.startsWith("application/json") === true;
}
