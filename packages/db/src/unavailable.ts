// Recognises "the database cannot be reached right now", which adapters answer with UNAVAILABLE
// (503, Retry-After) instead of INTERNAL. The cause chain is walked because Prisma, the driver
// adapter and pg each wrap the error differently.

/** Prisma error codes meaning the server is unreachable, overloaded or went away. */
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2037"]);
/** Driver adapter error kinds with the same meaning. */
const ADAPTER_KINDS = new Set([
  "DatabaseNotReachable",
  "ConnectionClosed",
  "SocketTimeout",
  "TooManyConnections",
]);
/** Node socket errors. */
const NODE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
]);
/** PostgreSQL SQLSTATEs: admin shutdown, crash shutdown, cannot connect now, too many connections. */
const SQLSTATES = new Set(["57P01", "57P02", "57P03", "53300"]);

export function isDatabaseUnavailableError(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (typeof current === "object" && current !== null && !seen.has(current)) {
    seen.add(current);
    const { code, kind, message } = current as {
      code?: unknown;
      kind?: unknown;
      message?: unknown;
    };
    if (typeof code === "string") {
      // SQLSTATE class 08: connection exceptions.
      if (PRISMA_CODES.has(code) || NODE_CODES.has(code) || SQLSTATES.has(code)) return true;
      if (/^08[0-9A-Z]{3}$/.test(code)) return true;
    }
    if (typeof kind === "string" && ADAPTER_KINDS.has(kind)) return true;
    if (
      typeof message === "string" &&
      // "…is not currently accepting connections": ALTER DATABASE … ALLOW_CONNECTIONS false
      // (maintenance), SQLSTATE 55000, a code too broad to list above. "timeout exceeded when
      // trying to connect" (pg-pool) and "Query read timeout" (pg): the server did not answer
      // within createDb's connect / query timeout (a hung or unreachable server).
      /Connection terminated|Can't reach database server|connect ECONNREFUSED|is not currently accepting connections|timeout exceeded when trying to connect|Query read timeout/.test(
        message,
      )
    ) {
      return true;
    }
    // Prisma's known request errors (e.g. P2039) carry the driver's error in
    // meta.driverAdapterError rather than in `cause`.
    const { cause, meta } = current as { cause?: unknown; meta?: { driverAdapterError?: unknown } };
    current = cause ?? meta?.driverAdapterError;
  }
  return false;
}
