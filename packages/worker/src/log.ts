/** Where the worker reports: one structured line per notable thing (pino-compatible shape). */
export interface WorkerLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** JSON lines on stdout/stderr, for the standalone `pnpm worker`. */
export const consoleWorkerLog: WorkerLog = {
  info: (fields, msg) => console.log(JSON.stringify({ level: "info", ...fields, msg })),
  warn: (fields, msg) => console.warn(JSON.stringify({ level: "warn", ...fields, msg })),
  error: (fields, msg) => console.error(JSON.stringify({ level: "error", ...fields, msg })),
};

export const silentWorkerLog: WorkerLog = { info() {}, warn() {}, error() {} };

/**
 * One line about an error, without a stack: its message (Prisma's multi-line "Invalid
 * `prisma.$queryRaw()` invocation:" framing removed), its code and its cause's.
 */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
    const detail = cause?.code ?? cause?.message;
    const message = error.message
      .replace(/Invalid `[^`]*` invocation:/, "")
      .replace(/\s+/g, " ")
      .trim();
    return [message, typeof code === "string" ? code : "", detail ? String(detail) : ""]
      .filter((part) => part !== "")
      .join(": ");
  }
  return String(error).replace(/\s+/g, " ");
}
