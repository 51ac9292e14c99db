import { ConsoleApp, HiarError, SignInRequest } from "@collab/contracts";
import { currentApp, signIn } from "@collab/domain";
import * as z from "zod";
import { defaultSignInThrottle } from "../../console/sign-in-throttle";
import { appProcedure, publicProcedure, router } from "../../trpc";

// The console's sign-in: the operator's APPID and secret (as the REST API uses them) are checked
// by the domain; the browser part of the outer context sets or clears the signed session cookie.
export const authRouter = router({
  /**
   * The only procedure that needs no session. Wrong APPID or secret: one UNAUTHENTICATED. After
   * too many failures for the APPID (or from the client): RATE_LIMITED, secret unchecked.
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
      const throttle = browser.signInThrottle ?? defaultSignInThrottle();
      const attempt = { appId: input.appId, clientAddress: browser.clientAddress ?? null };
      const app = await throttle.guard(attempt, () => signIn(ctx, input));
      browser.signIn({ id: app.id });
      return app;
    }),
  signOut: appProcedure.output(z.object({ signedOut: z.literal(true) })).mutation(({ ctx }) => {
    ctx.browser?.signOut();
    return { signedOut: true as const };
  }),
  /** The signed-in app (name and APPID), for the console's header. */
  me: appProcedure.output(ConsoleApp).query(({ ctx }) => currentApp(ctx)),
});
