import type { IncomingHttpHeaders } from "node:http";
import { HiarError } from "@collab/contracts";
import {
  type AppSecretCache,
  acceptedSecrets,
  CorruptSecretError,
  consumeNonce,
  type Database,
  UnknownSecretKeyError,
} from "@collab/db";
import { verifyRequest } from "@collab/hiar-auth";
import type { RestSettings } from "@collab/settings";
import type { Logger } from "pino";

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
 *
 * During a secret rotation's overlap either of the app's secrets signs (verifySignature checks
 * both alike). A stored secret this server cannot decrypt (encrypted under a key it was not
 * given) answers UNAVAILABLE and logs the key's id, never a secret.
 */
export async function authenticate(
  head: RequestHead,
  deps: {
    readonly db: Database;
    readonly secrets: AppSecretCache;
    readonly config: Pick<RestSettings, "dateWindowSeconds" | "capabilityPrefix">;
    readonly log?: Pick<Logger, "error">;
  },
): Promise<{ appId: string }> {
  const { db, config } = deps;
  const verified = await verifyRequest({
    headers: head.headers,
    method: head.method,
    path: head.path,
    rawQuery: head.rawQuery,
    lookupSecret: async (appId) => {
      try {
        const secrets = await deps.secrets.lookup(appId);
        return secrets === null ? null : acceptedSecrets(secrets);
      } catch (error) {
        if (error instanceof UnknownSecretKeyError || error instanceof CorruptSecretError) {
          deps.log?.error(
            { app: appId, keyId: error.keyId, err: error.name },
            `app secret not readable: ${error.message}`,
          );
          throw new HiarError("UNAVAILABLE", "the app's credentials cannot be read right now");
        }
        throw error;
      }
    },
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
