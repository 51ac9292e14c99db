/**
 * `pnpm --filter @collab/db db:diff [--exit-code]`: prints the SQL the next migration needs (the
 * difference between what prisma/migrations builds and prisma/schema.prisma), computed offline by
 * Prisma's schema engine (wasm). With --exit-code: exits 2 when a migration is needed, as
 * `prisma migrate diff --exit-code` does.
 */
import { parseArgs } from "node:util";
import { diffMigrationsToSchema } from "../schema-engine";

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: { "exit-code": { type: "boolean" } },
});

try {
  const diff = await diffMigrationsToSchema();
  process.stdout.write(diff.script.endsWith("\n") ? diff.script : `${diff.script}\n`);
  if (values["exit-code"] && !diff.empty) process.exitCode = 2;
} catch (error) {
  console.error(error);
  process.exitCode = 1;
}
