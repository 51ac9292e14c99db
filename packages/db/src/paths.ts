import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

function locatePackageDir(): string {
  // Normally this file's own location. When a bundler has moved the code (Next.js compiles
  // workspace packages into its server chunks), fall back to looking for the package from the
  // working directory, which in a monorepo is the repo root or one of its apps.
  const here = resolve(dirname(fileURLToPath(import.meta.url)), "..");
  if (existsSync(join(here, "prisma", "schema.prisma"))) return here;
  let dir = process.cwd();
  for (;;) {
    for (const candidate of [dir, join(dir, "packages", "db")]) {
      if (
        existsSync(join(candidate, "prisma", "schema.prisma")) &&
        existsSync(join(candidate, "package.json"))
      ) {
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

/** Where the embedded database keeps its files unless told (PGLITE_DATA_DIR): `<repo root>/.data/pglite`. */
export function defaultPgliteDataDir(): string {
  return join(findRepoRoot(), ".data", "pglite");
}
