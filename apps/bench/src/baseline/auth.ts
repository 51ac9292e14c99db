import type { IncomingMessage } from "node:http";
import { HiarError } from "@collab/contracts";
import { splitRequestTarget, verifyRequest } from "@collab/hiar-auth";
import type pg from "pg";
import { CONSUME_NONCE, FIND_SECRET } from "./sql";

// The same authentication as apps/web's authenticate.ts (same hiar-auth verifier, same nonce
// table and statement), over pg instead of Prisma.

export async function authenticate(pool: pg.Pool, req: IncomingMessage): Promise<string> {
  const { path, rawQuery } = splitRequestTarget(req.url ?? "/");
  const verified = await verifyRequest({
    headers: req.headers,
    method: req.method ?? "",
    path,
    rawQuery,
    lookupSecret: async (appId) => {
      const { rows } = await pool.query<{ secret: string }>({ ...FIND_SECRET, values: [appId] });
      return rows[0]?.secret ?? null;
    },
  });
  if (!verified.ok) throw new HiarError(verified.reason, verified.message);

  const { rowCount } = await pool.query({
    ...CONSUME_NONCE,
    values: [verified.appId, verified.nonce, new Date(verified.nonceExpiresAtMs)],
  });
  if (rowCount !== 1)
    throw new HiarError("NONCE_REUSED", "X-HIAR-OPENAPI-NONCE has already been used");
  return verified.appId;
}
