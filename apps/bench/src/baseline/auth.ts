import type { IncomingHttpHeaders } from "node:http";
import { HiarError } from "@collab/contracts";
import { verifyRequest } from "@collab/hiar-auth";
import {
  type AppSecretCache,
  acceptedSecrets,
  consumeNonce,
  createAppSecretCache,
  type DbExecutor,
} from "./project";

// The same authentication as apps/web's server/rest/authenticate.ts, from the request line and
// headers before the body is read: the same verifier (@collab/hiar-auth), the app secret through
// the same cache (createAppSecretCache: 5 s TTL, so one lookup statement per app at most every
// 5 s), then the nonce through the same repository function (consumeNonce), over pg.

export interface AuthEnv {
  readonly db: DbExecutor;
  readonly secrets: AppSecretCache;
}

export function createAuthEnv(db: DbExecutor): AuthEnv {
  // The cache reads secrets through findAppSecret, which pgExecutor answers with Prisma's SQL.
  return { db, secrets: createAppSecretCache(db as Parameters<typeof createAppSecretCache>[0]) };
}

export async function authenticate(
  env: AuthEnv,
  head: { method: string; path: string; rawQuery: string; headers: IncomingHttpHeaders },
): Promise<string> {
  const verified = await verifyRequest({
    headers: head.headers,
    method: head.method,
    path: head.path,
    rawQuery: head.rawQuery,
    lookupSecret: async (appId) => {
      const secrets = await env.secrets.lookup(appId);
      return secrets === null ? null : acceptedSecrets(secrets);
    },
  });
  if (!verified.ok) throw new HiarError(verified.reason, verified.message);

  const fresh = await consumeNonce(env.db as Parameters<typeof consumeNonce>[0], {
    appId: verified.appId,
    nonce: verified.nonce,
    expiresAt: new Date(verified.nonceExpiresAtMs),
  });
  if (!fresh) throw new HiarError("NONCE_REUSED", "X-HIAR-OPENAPI-NONCE has already been used");
  return verified.appId;
}
