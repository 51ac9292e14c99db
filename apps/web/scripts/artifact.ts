// The last step of `pnpm build`: completes Next.js's standalone output, <distDir>/standalone,
// into the deployable artifact, a folder that runs from a copy of itself alone (no repository, no
// node_modules beside it; apps/web/README.md, "The deployable artifact").
//
// `next build` has put there the Next.js server build and the npm files it loads (traced, in the
// repository's pnpm layout: node_modules/.pnpm/… with relative symlinks). This adds:
// - the processes tsdown bundled into <distDir>/entry (server, worker, migrate, app-create,
//   app-webhook) and every npm file they load, traced with @vercel/nft;
// - the browser's files (<distDir>/static), which Next.js leaves out of standalone output;
// - the migrations (packages/db/prisma), which the migration runner and the embedded database read;
// - one launcher per process at the top (`node server.mjs`, …), in place of Next.js's own
//   server.js, which would serve the app without the HiAR REST API;
// then checks that no symlink in it points outside it.
import {
  cp,
  lstat,
  mkdir,
  readdir,
  readlink,
  realpath,
  rm,
  symlink,
  writeFile,
} from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { nodeFileTrace } from "@vercel/nft";

/** The processes of the artifact: <distDir>/entry/<name>.mjs, launched by <artifact>/<name>.mjs. */
const ARTIFACT_ENTRIES = {
  server: "the HTTP server (`pnpm start`)",
  worker: "the background worker (`pnpm worker`)",
  migrate: "the migration runner (`pnpm db:migrate`)",
  "app-create": 'registers an app (`pnpm app:create --name "Acme"`)',
  "app-webhook": "sets or removes an app's webhook URL (`pnpm app:webhook`)",
  "app-manage": "shows, disables, enables or deletes an app; its usage (`pnpm app:manage`)",
} as const;

const appDir = fileURLToPath(new URL("..", import.meta.url));
const repoRoot = resolve(appDir, "..", "..");
const distDirName = process.env.NEXT_DIST_DIR ?? ".next";
const distDir = resolve(appDir, distDirName);
const artifact = join(distDir, "standalone");
const appPath = relative(repoRoot, appDir);
const appInArtifact = join(artifact, appPath);
const entryDir = join(distDir, "entry");

/** Next.js's own files are in the artifact already, traced by `next build` with its own rules. */
const NEXT_PACKAGE = /(^|\/)node_modules\/\.pnpm\/next@[^/]+\/node_modules\/next\//;

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/** Copies a traced file (or the symlink it is, re-pointed into the artifact) to the same path in it. */
async function copyTraced(file: string): Promise<void> {
  const source = join(repoRoot, file);
  const target = join(artifact, file);
  if (await exists(target)) return;
  await mkdir(dirname(target), { recursive: true });
  const stats = await lstat(source);
  if (!stats.isSymbolicLink()) {
    await cp(source, target, { preserveTimestamps: true });
    return;
  }
  const pointsTo = resolve(dirname(source), await readlink(source));
  if (!inside(repoRoot, pointsTo)) {
    throw new Error(`${file} links outside the repository (${pointsTo}): cannot be relocated`);
  }
  const inArtifact = join(artifact, relative(repoRoot, pointsTo));
  await symlink(relative(dirname(target), inArtifact) || ".", target);
}

async function traceEntries(): Promise<number> {
  const entries = Object.keys(ARTIFACT_ENTRIES).map((name) => join(entryDir, `${name}.mjs`));
  for (const entry of entries) {
    if (!(await exists(entry))) throw new Error(`${entry} is missing: run tsdown first`);
  }
  const { fileList, warnings } = await nodeFileTrace(entries, {
    base: repoRoot,
    processCwd: appDir,
    ignore: (path) => NEXT_PACKAGE.test(path) || path.endsWith(".map") || path.endsWith(".d.ts"),
  });
  for (const warning of warnings) {
    // Modules that are absent on purpose (pg's optional native binding, Cloudflare's socket API)
    // are fine; anything else unresolved is worth seeing (the artifact's test shows whether it
    // matters).
    const line = warning.message.split("\n")[0] ?? "";
    if (line.startsWith("Failed to resolve") && !/"(pg-native|cloudflare:sockets)"/.test(line)) {
      console.warn(`artifact: ${line}`);
    }
  }
  for (const file of [...fileList].sort()) {
    if (!inside(repoRoot, join(repoRoot, file))) {
      throw new Error(`traced file outside the repository: ${file}`);
    }
    await copyTraced(file);
  }
  return fileList.size;
}

/** Every symlink in `root` must resolve to a path inside it. Returns [files, symlinks, bytes]. */
async function checkSelfContained(root: string): Promise<[number, number, number]> {
  const realRoot = await realpath(root);
  let files = 0;
  let links = 0;
  let bytes = 0;
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isSymbolicLink()) {
        links++;
        const real = await realpath(path).catch(() => null);
        if (real === null) throw new Error(`${relative(root, path)} is a broken symlink`);
        if (!inside(realRoot, real)) {
          throw new Error(`${relative(root, path)} points outside the artifact (${real})`);
        }
      } else if (entry.isDirectory()) {
        await walk(path);
      } else {
        files++;
        bytes += (await lstat(path)).size;
      }
    }
  };
  await walk(root);
  return [files, links, bytes];
}

async function main(): Promise<void> {
  if (!(await exists(join(appInArtifact, distDirName, "BUILD_ID")))) {
    throw new Error(
      `${artifact} has no Next.js build: next.config.ts must say output: "standalone"`,
    );
  }
  // A previous run's entries (their chunks have hashed names) must not linger.
  await rm(join(appInArtifact, distDirName, "entry"), { recursive: true, force: true });
  const traced = await traceEntries();

  await cp(join(distDir, "static"), join(appInArtifact, distDirName, "static"), {
    recursive: true,
  });
  if (await exists(join(appDir, "public"))) {
    await cp(join(appDir, "public"), join(appInArtifact, "public"), { recursive: true });
  }

  const prisma = join(repoRoot, "packages", "db", "prisma");
  const prismaInArtifact = join(artifact, "packages", "db", "prisma");
  await rm(prismaInArtifact, { recursive: true, force: true });
  await cp(join(prisma, "schema.prisma"), join(prismaInArtifact, "schema.prisma"));
  await cp(join(prisma, "migrations"), join(prismaInArtifact, "migrations"), { recursive: true });

  await rm(join(appInArtifact, "server.js"), { force: true });
  for (const [name, what] of Object.entries(ARTIFACT_ENTRIES)) {
    const entry = [appPath, distDirName, "entry", `${name}.mjs`].join("/");
    await writeFile(join(artifact, `${name}.mjs`), `// ${what}\nimport "./${entry}";\n`);
  }

  const [files, links, bytes] = await checkSelfContained(artifact);
  console.log(
    `artifact: ${relative(process.cwd(), artifact) || "."} — ${files} files, ${links} symlinks (all inside), ` +
      `${(bytes / 1024 / 1024).toFixed(0)} MB; ${traced} traced for ${Object.keys(ARTIFACT_ENTRIES).join(", ")}`,
  );
}

await main();
