import { createDb } from "@collab/db";

/**
 * Makes a test server's PostgreSQL database unreachable, for real: new connections are refused
 * and the open ones are closed. Resolves to the function that lets connections in again.
 * Needs TEST_DATABASE_URL (the server that holds the database).
 */
export async function cutDatabase(databaseUrl: string): Promise<() => Promise<void>> {
  const admin = await createDb({ databaseUrl: process.env.TEST_DATABASE_URL, poolMax: 1 });
  const name = new URL(databaseUrl).pathname.slice(1);
  if (!/^\w+$/.test(name)) throw new Error(`unexpected database name ${name}`);
  await admin.prisma.$executeRawUnsafe(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS false`);
  await admin.prisma.$executeRawUnsafe(
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}'`,
  );
  return async () => {
    await admin.prisma.$executeRawUnsafe(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS true`);
    await admin.close();
  };
}
