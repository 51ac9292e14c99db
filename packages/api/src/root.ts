import { createInnerContext, type InnerContext } from "./context";
import { signedInAppRouter } from "./routers/app/_router";
import { appSecretRouter } from "./routers/app-secret/_router";
import { authRouter } from "./routers/auth/_router";
import { callsRouter } from "./routers/calls/_router";
import { collaborationRouter } from "./routers/collaboration/_router";
import { sessionRouter } from "./routers/session/_router";
import { userRouter } from "./routers/user/_router";
import { webhookRouter } from "./routers/webhook/_router";
import { createCallerFactory, router } from "./trpc";

/** The whole API: a plain object of procedures, grouped by HiAR noun. */
export const appRouter = router({
  appSecret: appSecretRouter,
  app: signedInAppRouter,
  auth: authRouter,
  calls: callsRouter,
  collaboration: collaborationRouter,
  session: sessionRouter,
  webhook: webhookRouter,
  user: router(userRouter),
});

export type AppRouter = typeof appRouter;

const callerFactory = createCallerFactory(appRouter);

/** Calls procedures in-process with an inner context (REST adapter, tests, scripts). */
export function createCaller(context: InnerContext, options?: { readonly signal?: AbortSignal }) {
  return callerFactory(createInnerContext(context), options);
}

export type Caller = ReturnType<typeof createCaller>;
