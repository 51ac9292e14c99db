// The server process. `pnpm dev` runs this file (through tsx, NODE_ENV=development: Next.js
// compiles on demand and reloads); `pnpm start` runs its build, <distDir>/entry/server.mjs, made
// by `pnpm build` (NODE_ENV=production). Same code both ways. Every setting is read from the
// environment here, once, before anything is opened (@collab/settings): a malformed one ends the
// process at once, naming it; the rest is handed to what the server creates.
import { loadSettings, type Settings, SettingsError, settleNodeEnv } from "@collab/settings";

// First: Next.js and React read NODE_ENV as they load, and anything but development is production.
settleNodeEnv();

const usage = "the server takes no arguments: set PORT, HOST and the README's other variables";
if (process.argv.length > 2) {
  console.error(`Cannot start: ${usage} (got ${JSON.stringify(process.argv.slice(2))}).`);
  process.exit(2);
}

let settings: Settings;
try {
  settings = loadSettings();
} catch (error) {
  if (!(error instanceof SettingsError)) throw error;
  console.error(
    `Cannot start: fix ${error.problems.length === 1 ? "this setting" : "these settings"}:\n${error.problems.map((problem) => `  - ${problem}`).join("\n")}`,
  );
  process.exit(1);
}

const { serve } = await import("./serve");
await serve(settings);
