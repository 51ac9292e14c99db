/**
 * `pnpm db:seed`: creates the demo app (fixed, publicly known APPID and secret), a collaboration,
 * its session and three members. Idempotent. Refuses when NODE_ENV=production. Applies pending
 * migrations first (it is a development command).
 */
import { assertSeedAllowed, seedDemo } from "../seed";
import { commandSettings, explain, runWithDb } from "./shared";

const settings = commandSettings();
const { nodeEnv } = settings.server;
try {
  assertSeedAllowed(nodeEnv);
} catch (error) {
  console.error(explain(error));
  process.exit(1);
}

await runWithDb({ ...settings.database, migrate: true }, async (db, target) => {
  const demo = await seedDemo(db.prisma, nodeEnv);
  console.log(`Seeded ${target}:`);
  console.log(`  APPID            ${demo.appId}`);
  console.log(`  secret           ${demo.secret}   (demo only: publicly known)`);
  console.log(`  collaborationID  ${demo.collaborationId}`);
  console.log(`  sessionID        ${demo.sessionId}`);
  console.log(`  members          ${demo.memberIds.join(", ")} (creator ${demo.creatorId})`);
});
