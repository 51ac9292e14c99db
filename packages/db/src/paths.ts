import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

function isPackageDir(dir: string): boolean {
  return existsSync(join(dir, "prisma", "schema.prisma"));
}

function locatePackageDir(): string {
  // Normally this file's own location. When a bundler has moved the code (Next.js compiles
  // workspace packages into its server chunks; the server entry, the worker and the migration
  // runner are bundled into apps/web/<distDir>/entry), look for packages/db above the bundle: in
  // the repository that finds the repository's, in the deployable artifact (apps/web's
  // <distDir>/standalone) the copy of prisma/ it carries. Then from the working directory,
  // which in a monorepo is the repo root or one of its apps.
  const moduleDir = dirname(fileURLToPath(import.meta.url));
  const here = resolve(moduleDir, "..");
  if (isPackageDir(here)) return here;
  for (let dir = moduleDir; ; dir = dirname(dir)) {
    const candidate = join(dir, "packages", "db");
    if (isPackageDir(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  let dir = process.cwd();
  for (;;) {
    for (const candidate of [dir, join(dir, "packages", "db")]) {
      if (isPackageDir(candidate) && existsSync(join(candidate, "package.json"))) {
        return candidate;
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return here;
    dir = parent;
  }
}

/** packages/db, wherever the package is installed. */
export const packageDir: string = locatePackageDir();

export const schemaPath: string = join(packageDir, "prisma", "schema.prisma");

export const migrationsDir: string = join(packageDir, "prisma", "migrations");

/** The monorepo root: the nearest ancestor of this package holding pnpm-workspace.yaml. */
export function findRepoRoot(from: string = packageDir): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, "pnpm-workspace.yaml"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return resolve(packageDir, "..", "..");
    dir = parent;
  }
}

/**
 * Where the embedded database keeps its files unless told (PGLITE_DATA_DIR): `<repo root>/.data/pglite`
 * (in the deployable artifact, which has no pnpm-workspace.yaml: `<artifact>/.data/pglite`).
 */
export function defaultPgliteDataDir(): string {
  return join(findRepoRoot(), ".data", "pglite");
}
