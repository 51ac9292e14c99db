import { appRouter, createInnerContext, toHiarError } from "@collab/api";
import { getDb } from "@collab/db";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { logger } from "@/server/logger";
import { traceIdFrom } from "@/server/trace";

// The console's typed endpoint. The outer context is built from the HTTP request; until the
// console's sign-in exists no request carries an app, so every app procedure is refused.
async function handler(request: Request): Promise<Response> {
  const traceId = traceIdFrom(request.headers);
  const response = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: appRouter,
    createContext: async () =>
      createInnerContext({ db: (await getDb()).prisma, app: null, trace: { id: traceId } }),
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
