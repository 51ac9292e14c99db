import type { IncomingHttpHeaders } from "node:http";
import { HiarError } from "@collab/contracts";
import { type AppSecretCache, consumeNonce, type Database } from "@collab/db";
import { verifyRequest } from "@collab/hiar-auth";
import type { RestSettings } from "@collab/settings";

export interface RequestHead {
  readonly method: string;
  /** Path and query exactly as received (the client signed those bytes). */
  readonly path: string;
  readonly rawQuery: string;
  readonly headers: IncomingHttpHeaders;
}

/**
 * HiAR header authentication (docs/hiar-api.md, "Authentication"), from the request line and
 * headers alone, before a byte of the body is read: signature (tolerant variants, constant time),
 * date window, the app's existence (its secret from `secrets`, a short-lived cache: one statement
 * at most every few seconds per app); then the nonce, recorded once per app, atomically, in the database shared by every
 * instance. Resolves to the authenticated app id or throws the catalogue's 401 errors.
 *
 * The signature does not cover the body, so the nonce is spent here, for every authenticated
 * request: one refused afterwards (rate limit, media type, size, JSON, contract) cannot be
 * replayed with another body.
 */
export async function authenticate(
  head: RequestHead,
  deps: {
    readonly db: Database;
    readonly secrets: AppSecretCache;
    readonly config: Pick<RestSettings, "dateWindowSeconds" | "capabilityPrefix">;
  },
): Promise<{ appId: string }> {
  const { db, config } = deps;
  const verified = await verifyRequest({
    headers: head.headers,
    method: head.method,
    path: head.path,
    rawQuery: head.rawQuery,
    lookupSecret: (appId) => deps.secrets.lookup(appId),
    windowSeconds: config.dateWindowSeconds,
    capabilityPrefix: config.capabilityPrefix,
  });
  if (!verified.ok) throw new HiarError(verified.reason, verified.message);

  const fresh = await consumeNonce(db, {
    appId: verified.appId,
    nonce: verified.nonce,
    expiresAt: new Date(verified.nonceExpiresAtMs),
  });
  if (!fresh) throw new HiarError("NONCE_REUSED", "X-HIAR-OPENAPI-NONCE has already been used");
  return { appId: verified.appId };
}
