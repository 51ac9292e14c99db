import { getDb, ping } from "@collab/db";
import { SERVICE_VERSION } from "@/server/version";

// Always answered live: a cached health check would hide an outage.
export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const database = await ping(await getDb());
  const body = {
    status: database.ok ? "ok" : "unavailable",
    version: SERVICE_VERSION,
    database,
  };
  return Response.json(body, {
    status: database.ok ? 200 : 503,
    headers: { "cache-control": "no-store" },
  });
}
