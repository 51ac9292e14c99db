/**
 * `pnpm app:manage <show|usage|disable|enable|delete> --app <APPID>`: the deployment operator's
 * tasks on one app (README "Operating an app"). Never prints the secret.
 *   show     the app: name, created, disabled or not
 *   usage    requests, refusals and rings per UTC day (`--days`, default 30, at most 90)
 *   disable  its requests, console sign-ins and user tokens are refused (as an unknown APPID)
 *   enable   undoes disable
 *   delete   deletes it and everything it owns, for good (`--confirm <APPID>` required)
 */
import { parseArgs } from "node:util";
import { readAppUsage } from "../repositories/app-usage";
import { deleteApp, findAppForOperator, setAppDisabled } from "../repositories/apps";
import { commandSettings, explain, runWithDb } from "./shared";

const usage =
  "Usage: pnpm app:manage <show|usage|disable|enable|delete> --app <APPID> [--days 30] [--confirm <APPID>]";
const COMMANDS = ["show", "usage", "disable", "enable", "delete"] as const;
type Command = (typeof COMMANDS)[number];

const settings = commandSettings();
let command: Command;
let appId: string;
let days = 30;
let confirm: string | undefined;
try {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2).filter((arg) => arg !== "--"),
    options: {
      app: { type: "string", short: "a" },
      days: { type: "string" },
      confirm: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const [name, ...rest] = positionals;
  if (!COMMANDS.includes(name as Command) || rest.length > 0) {
    throw new Error(`Name one command: ${COMMANDS.join(", ")}.`);
  }
  command = name as Command;
  appId = values.app?.trim() ?? "";
  if (!appId) throw new Error("--app is required.");
  if (values.days !== undefined) {
    days = Number(values.days);
    if (!Number.isInteger(days) || days < 1 || days > 90) {
      throw new Error("--days must be an integer from 1 to 90.");
    }
  }
  confirm = values.confirm?.trim();
  if (command === "delete" && confirm !== appId) {
    throw new Error("delete cannot be undone: repeat the APPID with --confirm <APPID>.");
  }
} catch (error) {
  console.error(`${explain(error)}\n${usage}`);
  process.exit(2);
}

await runWithDb(settings.database, async (db, target) => {
  const notFound = () => new Error(`No app ${appId} in ${target}.`);
  switch (command) {
    case "disable":
    case "enable":
      if (!(await setAppDisabled(db.prisma, appId, command === "disable"))) throw notFound();
      console.log(
        command === "disable"
          ? "Disabled: its requests, console sign-ins and user tokens are refused within seconds."
          : "Enabled.",
      );
      break;
    case "delete":
      if (!(await deleteApp(db.prisma, appId))) throw notFound();
      console.log(`Deleted ${appId} and everything it owned.`);
      return;
    case "usage": {
      if ((await findAppForOperator(db.prisma, appId)) === null) throw notFound();
      const rows = await readAppUsage(db.prisma, appId, { days });
      console.log("day         requests    errors     rings");
      for (const row of rows) {
        console.log(
          `${row.day}  ${String(row.requests).padStart(8)}  ${String(row.errors).padStart(8)}  ${String(row.rings).padStart(8)}`,
        );
      }
      return;
    }
    case "show":
      break;
  }
  const app = await findAppForOperator(db.prisma, appId);
  if (app === null) throw notFound();
  console.log(`  APPID     ${app.id}`);
  console.log(`  name      ${app.name}`);
  console.log(`  created   ${app.createdAt.toISOString()}`);
  console.log(
    `  state     ${app.disabledAt === null ? "enabled" : `disabled since ${app.disabledAt.toISOString()}`}`,
  );
});
