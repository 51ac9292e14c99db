/**
 * `pnpm app:reencrypt`: rewrites every app's stored secrets (current and previous) under
 * APP_SECRET_ENCRYPTION_KEY: encrypts plaintext ones when a key is first set, and moves ones
 * stored under a key listed in APP_SECRET_ENCRYPTION_PREVIOUS_KEYS to the current key (after
 * which that key can be dropped from the list). Without a key it stores them decrypted again.
 * Safe to run again, and while servers run.
 */
import { reencryptAppSecrets } from "../repositories/apps";
import { commandSettings, runWithDb } from "./shared";

if (process.argv.slice(2).some((arg) => arg === "--help" || arg === "-h")) {
  console.log("Usage: pnpm app:reencrypt");
  process.exit(0);
}

const settings = commandSettings();
await runWithDb(settings.database, async (db, target) => {
  // createDb applied the settings' keys to this process (appSecretBox()).
  const { rewritten, unchanged } = await reencryptAppSecrets(db.prisma);
  const under = settings.database.appSecretKeys.current
    ? "under APP_SECRET_ENCRYPTION_KEY"
    : "as plaintext (no APP_SECRET_ENCRYPTION_KEY)";
  console.log(
    `Stored app secrets ${under} in ${target}: ${rewritten} app(s) rewritten, ${unchanged} already so.`,
  );
});
