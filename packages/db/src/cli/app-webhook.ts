/**
 * `pnpm app:webhook --app <APPID> [--url https://… | --clear]`: shows, sets or clears the app's
 * webhook URL. Every session event appended while a URL is set is delivered to it (signed with
 * the app's secret, see the worker). Never prints the secret.
 */
import { parseArgs } from "node:util";
import { normaliseWebhookUrl } from "@collab/contracts/webhook-url";
import { findAppWebhook, setAppWebhookUrl, webhookStatus } from "../repositories/webhooks";
import { commandSettings, explain, runWithDb } from "./shared";

const usage =
  "Usage: pnpm app:webhook --app <APPID> [--url https://example.com/hook | --clear]\n" +
  "Without --url or --clear it shows the current URL and the delivery backlog.";

const settings = commandSettings();
let appId = "";
let url: string | null | undefined;
try {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((arg) => arg !== "--"),
    options: {
      app: { type: "string", short: "a" },
      url: { type: "string", short: "u" },
      clear: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  appId = values.app?.trim() ?? "";
  if (values.clear && values.url !== undefined)
    throw new Error("--url and --clear exclude each other.");
  url = values.clear
    ? null
    : values.url === undefined
      ? undefined
      : normaliseWebhookUrl(values.url, {
          allowPrivateNetworks: settings.worker.webhooks.allowPrivateNetworks,
        });
} catch (error) {
  console.error(`${explain(error)}\n${usage}`);
  process.exit(2);
}
if (!appId) {
  console.error(`--app is required.\n${usage}`);
  process.exit(2);
}

await runWithDb(settings.database, async (db, target) => {
  if (url !== undefined && !(await setAppWebhookUrl(db.prisma, appId, url))) {
    throw new Error(`No app ${appId} in ${target}.`);
  }
  const current = await findAppWebhook(db.prisma, appId);
  if (current === null) throw new Error(`No app ${appId} in ${target}.`);
  const status = await webhookStatus(db.prisma, appId);
  if (url !== undefined) console.log(url === null ? "Webhook cleared." : "Webhook set.");
  console.log(`  APPID    ${appId}`);
  console.log(`  webhook  ${current.url ?? "(none)"}`);
  console.log(
    `  backlog  ${status.pendingEvents} event(s) in ${status.pendingSessions} session(s), ` +
      `${status.failingSessions} failing`,
  );
});
