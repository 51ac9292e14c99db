/**
 * Options of every interactive transaction the use cases open. Prisma's defaults (wait 2 s for a
 * connection, 5 s in all) are short for invites queueing on one session's row lock behind a
 * busy pool (PGlite has a pool of one); past these limits Prisma aborts and rolls back.
 */
export const TRANSACTION_OPTIONS = Object.freeze({ maxWait: 10_000, timeout: 15_000 });
