import { appRouter, createOuterContext, toHiarError } from "@collab/api";
import { getDb } from "@collab/db";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { consoleSessionConfig } from "@/server/console-session";
import { logger } from "@/server/logger";
import { consoleSignInThrottle } from "@/server/sign-in-throttle";
import { traceIdFrom } from "@/server/trace";

// The console's typed endpoint (queries, mutations, and live subscriptions over SSE). The outer
// context reads the signed session cookie: its app is the tenant; without one, every procedure
// but auth.signIn answers UNAUTHENTICATED. Browser mutations must be same-origin.
async function handler(request: Request): Promise<Response> {
  const traceId = traceIdFrom(request.headers);
  const response = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: appRouter,
    createContext: async ({ req, resHeaders }) =>
      createOuterContext({
        req,
        resHeaders,
        db: (await getDb()).prisma,
        trace: { id: traceId },
        session: consoleSessionConfig(),
        signInThrottle: consoleSignInThrottle(),
      }),
    onError: ({ error, path }) => {
      if (toHiarError(error).reason === "INTERNAL") {
        logger.error({ trace: traceId, route: `trpc:${path}`, err: error }, "unhandled error");
      }
    },
  });
  response.headers.set("trace", traceId);
  return response;
}

export { handler as GET, handler as POST };
