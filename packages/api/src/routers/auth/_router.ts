import { ConsoleApp, HiarError, SignInRequest } from "@collab/contracts";
import {
  createConsoleSession,
  findAppSummary,
  revokeAppConsoleSessions,
  revokeConsoleSession,
} from "@collab/db";
import { currentApp, signIn } from "@collab/domain";
import * as z from "zod";
import { CONSOLE_SESSION_MAX_AGE_SECONDS } from "../../console/session-cookie";
import { defaultSignInThrottle } from "../../console/sign-in-throttle";
import { appProcedure, publicProcedure, router } from "../../trpc";

// The console's sign-in: the operator's APPID and secret (as the REST API uses them) are checked
// by the domain; a server-side session (console_session) is created and the browser part of the
// outer context sets the signed cookie naming it. Sign-out revokes that session, "sign out
// everywhere" every session of the app: a copied cookie stops working at once.
export const authRouter = router({
  /**
   * The only procedure that needs no session. Wrong APPID or secret: one UNAUTHENTICATED. After
   * too many failures for the APPID (or from the client): RATE_LIMITED, secret unchecked. Without
   * a cookie-signing key on the server: PERMISSION_DENIED, saying so.
   */
  signIn: publicProcedure
    .input(SignInRequest)
    .output(ConsoleApp)
    .mutation(async ({ ctx, input }) => {
      // A session cookie only means something to a browser talking to the HTTP endpoint.
      const browser = ctx.browser;
      if (browser === undefined) {
        throw new HiarError("PERMISSION_DENIED", "sign-in is only available to the console");
      }
      if (browser.signInDisabled) throw new HiarError("PERMISSION_DENIED", browser.signInDisabled);
      const throttle = browser.signInThrottle ?? defaultSignInThrottle();
      const attempt = { appId: input.appId, clientAddress: browser.clientAddress ?? null };
      const app = await throttle.guard(attempt, {
        appExists: async () => (await findAppSummary(ctx.db, input.appId)) !== null,
        signIn: () => signIn(ctx, input),
      });
      // Signing in again ends the session the browser had (never two live cookies for one tab).
      if (browser.sessionId && ctx.app !== null) {
        await revokeConsoleSession(ctx.db, { id: browser.sessionId, appId: ctx.app.id });
      }
      const session = await createConsoleSession(ctx.db, {
        appId: app.id,
        maxAgeSeconds: browser.sessionMaxAgeSeconds ?? CONSOLE_SESSION_MAX_AGE_SECONDS,
      });
      browser.setSessionCookie(session);
      return app;
    }),

  /**
   * Revokes this browser's session (a copy of its cookie stops working too) and clears the
   * cookie. Also answers a browser whose session had already ended, so it can always leave.
   */
  signOut: publicProcedure
    .output(z.object({ signedOut: z.literal(true) }))
    .mutation(async ({ ctx }) => {
      const browser = ctx.browser;
      if (browser?.sessionId && ctx.app !== null) {
        await revokeConsoleSession(ctx.db, { id: browser.sessionId, appId: ctx.app.id });
      }
      browser?.clearSessionCookie();
      return { signedOut: true as const };
    }),

  /** Revokes every console session of the app, in every browser, this one included. */
  signOutEverywhere: appProcedure
    .output(z.object({ revokedSessions: z.number().int().nonnegative() }))
    .mutation(async ({ ctx }) => {
      const revokedSessions = await revokeAppConsoleSessions(ctx.db, ctx.app.id);
      ctx.browser?.clearSessionCookie();
      return { revokedSessions };
    }),

  /** The signed-in app (name and APPID), for the console's header. */
  me: appProcedure.output(ConsoleApp).query(({ ctx }) => currentApp(ctx)),
});
