import type { DbExecutor } from "./executor";

/**
 * ONE statement (its own transaction): claims this interval's run of the periodic task `name`
 * (e.g. "maintenance") for the caller. True for exactly one caller per interval, whatever the
 * number of workers asking: the row's upsert only succeeds when the last claim is at least
 * `intervalMs` old (a concurrent claimer waits for the row lock of the winner's statement, then
 * finds the claim fresh). The first claim ever creates the row. Nothing stays locked after the
 * statement, and a run that fails after its claim is retried at the next interval.
 */
export async function claimPeriodicRun(
  db: DbExecutor,
  claim: { readonly name: string; readonly intervalMs: number },
): Promise<boolean> {
  if (!(claim.intervalMs > 0)) throw new RangeError(`claimPeriodicRun: ${claim.intervalMs} ms`);
  const rows = await db.$queryRaw<{ name: string }[]>`
    INSERT INTO "periodic_task" AS t ("name", "last_run_at")
    VALUES (${claim.name}, now())
    ON CONFLICT ("name") DO UPDATE SET "last_run_at" = now()
     WHERE t."last_run_at" <= now() - make_interval(secs => ${claim.intervalMs / 1000}::float8)
    RETURNING t."name"`;
  return rows.length > 0;
}
