/**
 * `pnpm app:rotate-secret --app <APPID> [--overlap 24h]`: issues a new secret for the app and
 * prints it (shown this once). The previous secret stays valid for the overlap (default
 * APP_SECRET_ROTATION_OVERLAP_HOURS), so the app's servers can move to the new one without
 * downtime; `--overlap 0` ends it at once.
 */
import { parseArgs } from "node:util";
import { AppNotFoundError, MAX_ROTATION_OVERLAP_MS, rotateAppSecret } from "../repositories/apps";
import { commandSettings, explain, runWithDb } from "./shared";

const usage =
  "Usage: pnpm app:rotate-secret --app <APPID> [--overlap <number>(s|m|h|d), e.g. 24h; 0 ends the old secret now]";

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "90m", "24h", "1.5d", "0" → ms, or null when malformed or longer than 30 days. */
export function parseOverlap(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)(s|m|h|d)?$/.exec(text.trim());
  if (!match) return null;
  const [, amount, unit] = match;
  if (unit === undefined && Number(amount) !== 0) return null;
  const ms = Math.round(Number(amount) * (UNITS[unit ?? "s"] ?? 0));
  return ms <= MAX_ROTATION_OVERLAP_MS ? ms : null;
}

let appId: string | undefined;
let overlapText: string | undefined;
try {
  const { values } = parseArgs({
    // pnpm forwards a literal "--" before the arguments when called as `pnpm app:… -- …`.
    args: process.argv.slice(2).filter((arg) => arg !== "--"),
    options: {
      app: { type: "string", short: "a" },
      overlap: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  appId = values.app?.trim();
  overlapText = values.overlap;
} catch (error) {
  console.error(`${explain(error)}\n${usage}`);
  process.exit(2);
}
if (!appId) {
  console.error(`--app is required.\n${usage}`);
  process.exit(2);
}

const settings = commandSettings();
const overlapMs =
  overlapText === undefined ? settings.appSecrets.rotationOverlapMs : parseOverlap(overlapText);
if (overlapMs === null) {
  console.error(`--overlap must be a duration such as 30m, 24h or 7d, at most 30d.\n${usage}`);
  process.exit(2);
}

await runWithDb(settings.database, async (db, target) => {
  try {
    const rotated = await rotateAppSecret(db.prisma, appId ?? "", { overlapMs });
    console.log(`Rotated the secret of app ${rotated.appId} in ${target}.`);
    console.log("");
    console.log(`  new secret  ${rotated.secret}`);
    console.log(
      rotated.previousExpiresAt
        ? `  previous    still accepted until ${rotated.previousExpiresAt.toISOString()}`
        : "  previous    no longer accepted",
    );
    console.log("");
    console.log("Store the new secret now: it is not shown again. Webhooks are signed with it.");
  } catch (error) {
    if (!(error instanceof AppNotFoundError)) throw error;
    console.error(error.message);
    process.exitCode = 1;
  }
});
