import { currentSettings, type LogLevel } from "@collab/settings";
import pino, { type Logger } from "pino";

// One JSON line per event on stdout. Secrets and signatures are never passed to it; the redact
// list is a second line of defence for header objects logged by mistake. Written synchronously
// (like console.log to a pipe): a request's line is out before its answer, and the last lines
// before an exit are never lost.
export function createLogger(level: LogLevel): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: [
          "secret",
          "*.secret",
          'headers["x-hiar-openapi-signature"]',
          "*.headers.cookie",
          "*.headers.authorization",
        ],
        censor: "[redacted]",
      },
    },
    pino.destination({ dest: 1, sync: true }),
  );
}

let shared: Logger | undefined;

/** The logger of modules Next.js bundles (the tRPC route), at the deployment's LOG_LEVEL. */
export function appLogger(): Logger {
  shared ??= createLogger(currentSettings().logging.level);
  return shared;
}
