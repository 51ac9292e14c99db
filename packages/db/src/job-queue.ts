/**
 * The PostgreSQL job queue (graphile-worker) that fires durable calling timeouts. Its tables live
 * in their own schema (`graphile_worker`), managed by graphile-worker's own migrations, which
 * `installJobQueue` applies next to ours (createDb's migrate step and `pnpm db:migrate`), so a job
 * can be added in the very transaction that rings a member (repositories/call-timeouts.ts).
 */
import { Logger, runMigrations } from "graphile-worker";

/** graphile-worker's schema; Prisma's schema diff only looks at `public`. */
export const JOB_QUEUE_SCHEMA = "graphile_worker";

/** graphile-worker's INFO lines are noise here; warnings and errors go to stderr. */
export const quietJobQueueLogger = new Logger(() => (level, message) => {
  if (level === "error" || level === "warning") console.error(`[job-queue] ${level}: ${message}`);
});

/**
 * Installs or upgrades graphile-worker's schema on `connectionString` (idempotent; graphile-worker
 * serialises concurrent runs itself). Named prepared statements are off: on PGlite every pool
 * connection shares one PostgreSQL session, where two connections preparing one name collide.
 */
export async function installJobQueue(connectionString: string): Promise<void> {
  await runMigrations({
    connectionString,
    schema: JOB_QUEUE_SCHEMA,
    noPreparedStatements: true,
    logger: quietJobQueueLogger,
  });
}
