import { getDb, type PingResult, ping } from "@collab/db";
import { SERVICE_VERSION } from "@/server/version";

// Always answered live: a cached health check would hide an outage.
export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  let database: PingResult & { kind?: string };
  try {
    const db = await getDb();
    database = { kind: db.kind, ...(await ping(db)) };
  } catch {
    // Opening failed (bad DATABASE_URL, embedded data dir locked): report, never throw a stack.
    database = { ok: false, latencyMs: 0, serverVersion: null, error: "database unavailable" };
  }
  return Response.json(
    { status: database.ok ? "ok" : "unavailable", version: SERVICE_VERSION, database },
    { status: database.ok ? 200 : 503, headers: { "cache-control": "no-store" } },
  );
}
