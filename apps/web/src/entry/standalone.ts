import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The folder holding `name`: `from` or its nearest ancestor; null if none does. */
function ancestorWith(from: string, name: string): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, name))) return dir;
    if (dirname(dir) === dir) return null;
  }
}

/**
 * Where Next.js finds the app, and how it gets its config. This module runs as src/entry/*.ts
 * (`pnpm dev`) or bundled into <distDir>/entry/*.mjs: `pnpm start` runs that build in the
 * repository, and the deployable artifact (<distDir>/standalone, made by scripts/artifact.ts)
 * carries a copy of it.
 *
 * In the repository Next.js loads next.config.ts from the app's folder. The artifact has no
 * next.config.ts (nor the TypeScript to load it): there the config is the one the build resolved,
 * which `next build` writes into <distDir>/required-server-files.json, handed to Next.js in
 * `__NEXT_PRIVATE_STANDALONE_CONFIG` exactly as the server.js Next.js generates for standalone
 * output does.
 */
export function prepareNextDir(): { dir: string; artifact: boolean } {
  const here = dirname(fileURLToPath(import.meta.url));
  const buildDir = ancestorWith(here, "required-server-files.json");
  if (buildDir === null) {
    // Source (pnpm dev): the app's folder is the one with next.config.ts.
    const dir = ancestorWith(here, "next.config.ts");
    if (dir === null) throw new Error(`next.config.ts not found above ${here}`);
    return { dir, artifact: false };
  }
  const manifest = join(buildDir, "required-server-files.json");
  const { config } = JSON.parse(readFileSync(manifest, "utf8")) as {
    config: { distDir: string };
  };
  // distDir is relative to the app's folder (".next", or NEXT_DIST_DIR at build time).
  const depth = config.distDir.split(/[\\/]/).filter((part) => part !== "" && part !== ".").length;
  const dir = resolve(buildDir, ...Array<string>(depth).fill(".."));
  if (resolve(dir, config.distDir) !== resolve(buildDir)) {
    throw new Error(`${manifest} names distDir ${config.distDir}, not this build's folder`);
  }
  if (existsSync(join(dir, "next.config.ts"))) return { dir, artifact: false };
  process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify(config);
  return { dir, artifact: true };
}
