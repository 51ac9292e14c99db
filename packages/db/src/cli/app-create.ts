/**
 * `pnpm app:create --name "Acme" [--webhook-url https://…]`: registers an app (tenant) and prints
 * its APPID and secret. The secret is shown this once; nothing prints it again.
 */
import { parseArgs } from "node:util";
import { createApp } from "../repositories/apps";
import { commandSettings, explain, runWithDb } from "./shared";

const usage = 'Usage: pnpm app:create --name "Acme" [--webhook-url https://example.com/hook]';

let name: string | undefined;
let webhookUrl: string | undefined;
try {
  const { values } = parseArgs({
    // pnpm forwards a literal "--" before the arguments when called as `pnpm app:create -- …`.
    args: process.argv.slice(2).filter((arg) => arg !== "--"),
    options: {
      name: { type: "string", short: "n" },
      "webhook-url": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  name = values.name;
  webhookUrl = values["webhook-url"];
} catch (error) {
  console.error(`${explain(error)}\n${usage}`);
  process.exit(2);
}
if (!name?.trim()) {
  console.error(`--name is required.\n${usage}`);
  process.exit(2);
}

const settings = commandSettings();
await runWithDb(settings.database, async (db, target) => {
  const app = await createApp(db.prisma, {
    name: name ?? "",
    webhookUrl,
    allowPrivateNetworks: settings.worker.webhooks.allowPrivateNetworks,
  });
  console.log(`Created app "${app.name}" in ${target}.`);
  console.log("");
  console.log(`  APPID   ${app.id}`);
  console.log(`  secret  ${app.secret}`);
  if (app.webhookUrl) console.log(`  webhook ${app.webhookUrl}`);
  console.log("");
  console.log("Store the secret now: it is not shown again.");
});
