// The server process. `pnpm dev` runs this file (through tsx, NODE_ENV=development: Next.js
// compiles on demand and reloads); `pnpm start` runs its build, <distDir>/entry/server.mjs, made
// by `pnpm build` (NODE_ENV=production). Same code both ways. Every setting is read from the
// environment and checked here first: a malformed one ends the process at once, naming it.

const dev = process.env.NODE_ENV === "development";
// Next.js and React read it as they load: anything but development is production.
if (!dev) Object.assign(process.env, { NODE_ENV: "production" });

const usage = "the server takes no arguments: set PORT, HOST and the README's other variables";
if (process.argv.length > 2) {
  console.error(`Cannot start: ${usage} (got ${JSON.stringify(process.argv.slice(2))}).`);
  process.exit(2);
}

const { readStartSettings } = await import("../server/start-settings");
const result = readStartSettings(process.env, dev);
if (!result.ok) {
  console.error(
    `Cannot start: fix ${result.errors.length === 1 ? "this setting" : "these settings"}:\n${result.errors.map((error) => `  - ${error}`).join("\n")}`,
  );
  process.exit(1);
}

const { serve } = await import("./serve");
await serve(result.settings);

export {};
