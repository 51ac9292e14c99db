import { ERROR_CATALOGUE, HiarError } from "@collab/contracts";
import { sessionEventSignalFor } from "@collab/db";
import { initTRPC } from "@trpc/server";
import type { InnerContext } from "./context";
import { toHiarError, toTRPCError } from "./errors";
import { authenticateUser } from "./user/authenticate";

const t = initTRPC.context<InnerContext>().create({
  // The console's live streams (SSE): a ping keeps idle connections (and proxies) open, and a
  // client that hears nothing for longer reconnects, resuming from its last event id.
  sse: {
    ping: { enabled: true, intervalMs: 10_000 },
    client: { reconnectAfterInactivityMs: 25_000 },
  },
  // Clients get the catalogue's reason and code (and the offending field), never a stack.
  errorFormatter({ shape, error }) {
    const hiar = toHiarError(error);
    const internal = hiar.reason === "INTERNAL";
    return {
      ...shape,
      message: internal ? ERROR_CATALOGUE.INTERNAL.message : hiar.message,
      data: {
        code: shape.data.code,
        httpStatus: hiar.httpStatus,
        path: shape.data.path,
        hiar: { code: hiar.code, reason: hiar.reason, field: hiar.field ?? null },
      },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Maps every thrown error onto the catalogue, so tRPC answers with the catalogue's status. */
const catalogueErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) throw toTRPCError(toHiarError(result.error));
  return result;
});

/**
 * After a mutation succeeded (its transaction committed), tell every live reader of session
 * events to read (the user channel's tails, the webhook dispatchers), here and on other instances.
 */
const signalSessionEvents = t.middleware(async ({ ctx, type, next }) => {
  const result = await next();
  if (type === "mutation" && result.ok) sessionEventSignalFor(ctx.db).notify();
  return result;
});

/** A browser's mutation must come from a page of this origin (cross-site request forgery). */
const sameOriginMutations = t.middleware(({ ctx, type, next }) => {
  if (type === "mutation" && ctx.browser !== undefined && !ctx.browser.sameOrigin) {
    throw toTRPCError(new HiarError("PERMISSION_DENIED", "cross-site request refused"));
  }
  return next();
});

export const publicProcedure = t.procedure
  .use(catalogueErrors)
  .use(signalSessionEvents)
  .use(sameOriginMutations);

/** Procedures acting for an app (tenant). Without an authenticated app they are refused. */
export const appProcedure = publicProcedure.use(({ ctx, next }) => {
  if (ctx.app === null) throw toTRPCError(new HiarError("UNAUTHENTICATED", "sign in first"));
  return next({ ctx: { ...ctx, app: ctx.app } });
});

/**
 * The user procedures (`user.*`): authenticated by a user token alone, verified on every call;
 * the console's cookie is ignored and the app is the token's. No same-origin rule: a bearer token
 * is never sent by a browser on its own, so a cross-site page cannot use it.
 */
export const userProcedure = t.procedure
  .use(catalogueErrors)
  .use(signalSessionEvents)
  .use(async ({ ctx, next }) => {
    const { appId, user } = await authenticateUser(ctx.db, ctx.userToken);
    return next({ ctx: { ...ctx, app: { id: appId }, user } });
  });
