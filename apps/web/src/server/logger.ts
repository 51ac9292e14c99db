import pino from "pino";

// One JSON line per event on stdout. Secrets and signatures are never passed to it; the redact
// list is a second line of defence for header objects logged by mistake. Written synchronously
// (like console.log to a pipe): a request's line is out before its answer, and the last lines
// before an exit are never lost.
export const logger = pino(
  {
    level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info"),
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
