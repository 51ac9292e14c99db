import { HiarError } from "@collab/contracts";
import { consumeNonce, type Database, findAppSecret } from "@collab/db";
import { splitRequestTarget, verifyRequest } from "@collab/hiar-auth";
import { serverConfig } from "../config";

/**
 * HiAR header authentication (product.md): signature (tolerant variants, constant time), date
 * window, then the nonce recorded once per app, atomically, in the database shared by every
 * instance. Resolves to the authenticated app id or throws the catalogue's 401 errors.
 */
export async function authenticate(request: Request, db: Database): Promise<{ appId: string }> {
  const { path, rawQuery } = splitRequestTarget(new URL(request.url));
  const verified = await verifyRequest({
    headers: request.headers,
    method: request.method,
    path,
    rawQuery,
    lookupSecret: (appId) => findAppSecret(db, appId),
    windowSeconds: serverConfig.dateWindowSeconds,
    capabilityPrefix: serverConfig.capabilityPrefix,
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
