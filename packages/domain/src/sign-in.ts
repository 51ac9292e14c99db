import { createHash, timingSafeEqual } from "node:crypto";
import { type ConsoleApp, HiarError, type SignInRequest } from "@collab/contracts";
import { acceptedSecrets, type Database, findAppCredentials, findAppSummary } from "@collab/db";
import type { DomainContext } from "./context";

/** The one answer for an unknown APPID and a wrong secret alike, so neither can be probed. */
export const WRONG_CREDENTIALS_MESSAGE = "The APPID or secret is not correct.";

// Compared against when the APPID is unknown, so an unknown app costs the same digest and compare.
const DUMMY_SECRET = "collab-console-no-such-app-0000000000";

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

/**
 * The console's sign-in (docs/decisions.md, "Tenancy": secrets compared in constant time): the app whose
 * APPID and secret these are, or UNAUTHENTICATED with one message whichever part is wrong. The
 * secrets are compared as SHA-256 digests (always 32 bytes, so timingSafeEqual never sees
 * different lengths and the secret's length does not leak). During a rotation's overlap either
 * secret signs in, both compared alike whichever matches. One statement.
 */
export async function signIn(
  ctx: { readonly db: Database },
  input: SignInRequest,
): Promise<ConsoleApp> {
  const app = await findAppCredentials(ctx.db, input.appId);
  const given = digest(input.secret);
  let matches = 0;
  for (const secret of app ? acceptedSecrets(app.secrets) : [DUMMY_SECRET]) {
    matches |= Number(timingSafeEqual(digest(secret), given));
  }
  if (app === null || matches === 0) {
    throw new HiarError("UNAUTHENTICATED", WRONG_CREDENTIALS_MESSAGE);
  }
  return { id: app.id, name: app.name };
}

/**
 * The signed-in app, for the console's header. An app deleted since sign-in is UNAUTHENTICATED,
 * so the console sends its operator back to the sign-in page.
 */
export async function currentApp(ctx: DomainContext): Promise<ConsoleApp> {
  const app = await findAppSummary(ctx.db, ctx.app.id);
  if (app === null) throw new HiarError("UNAUTHENTICATED", "sign in again");
  return app;
}
