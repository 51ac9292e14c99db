import type { Db } from "./client";

export interface PingResult {
  ok: boolean;
  /** Round trip of the probe query, in milliseconds. */
  latencyMs: number;
  /** PostgreSQL's server_version (e.g. "15.20 (Debian 15.20-0+deb12u1)"), or null on failure. */
  serverVersion: string | null;
  /** Why the probe failed (no connection string or secret in it). */
  error?: string;
}

/** Health probe: one round trip through Prisma. Never throws; times out after `timeoutMs`. */
export async function ping(
  db: Pick<Db, "prisma">,
  options: { timeoutMs?: number } = {},
): Promise<PingResult> {
  const timeoutMs = options.timeoutMs ?? 2000;
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const rows = await Promise.race([
      db.prisma.$queryRaw<
        { server_version: string }[]
      >`SELECT current_setting('server_version') AS server_version`,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return {
      ok: true,
      latencyMs: performance.now() - started,
      serverVersion: rows[0]?.server_version ?? null,
    };
  } catch (error) {
    return {
      ok: false,
      latencyMs: performance.now() - started,
      serverVersion: null,
      error: error instanceof Error ? error.message.split("\n")[0] : String(error),
    };
  } finally {
    clearTimeout(timer);
  }
}
