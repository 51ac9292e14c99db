import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { PgliteImage } from "../pglite";

let image: Promise<PgliteImage> | undefined;

/** Node's global WebAssembly object: this package's libs declare its types, not the value. */
const webAssembly = (
  globalThis as unknown as {
    WebAssembly: { compile(bytes: Uint8Array): Promise<WebAssembly.Module> };
  }
).WebAssembly;

/**
 * One PGlite image per process: the wasm compiled once, and a data directory initdb made once.
 * Every in-memory test database then starts from it in a fraction of the CPU a cold start takes
 * (which compiles the wasm again and runs initdb in a second instance). A failure is not cached.
 *
 * The initdb'd data directory (~7 s of CPU to make) is also kept on disk, in the system's temp
 * directory under a name derived from PGlite's own files, so that the many test processes of a
 * run (vitest starts one per test file) make it once between them instead of once each.
 */
export function pgliteImage(): Promise<PgliteImage> {
  image ??= makeImage().catch((error: unknown) => {
    image = undefined;
    throw error;
  });
  return image;
}

async function makeImage(): Promise<PgliteImage> {
  // The same copy of PGlite that ../pglite imports (this package's dependency).
  const dist = dirname(createRequire(import.meta.url).resolve("@electric-sql/pglite"));
  const [wasm, bundle] = await Promise.all([
    readFile(join(dist, "pglite.wasm")),
    readFile(join(dist, "pglite.data")),
  ]);
  const pgliteWasmModule = await webAssembly.compile(wasm);
  const fsBundle = new Blob([bundle]);
  const cacheFile = join(
    tmpdir(),
    `collab-pglite-image-${createHash("sha256").update(wasm).update(bundle).digest("hex").slice(0, 16)}.tar`,
  );
  const cached = await readFile(cacheFile).catch(() => undefined);
  if (cached !== undefined && cached.length > 0) {
    return { pgliteWasmModule, fsBundle, loadDataDir: new Blob([cached]) };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const first = await PGlite.create({ pgliteWasmModule, fsBundle });
  let loadDataDir: Blob;
  try {
    loadDataDir = await first.dumpDataDir("none");
  } finally {
    await first.close();
  }
  await saveAtomically(cacheFile, new Uint8Array(await loadDataDir.arrayBuffer()));
  return { pgliteWasmModule, fsBundle, loadDataDir };
}

/** Written whole under a temporary name, then renamed: a reader never sees a partial file. */
async function saveAtomically(file: string, bytes: Uint8Array): Promise<void> {
  const partial = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
  try {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(partial, bytes);
    await rename(partial, file);
  } catch {
    // Only a cache: the next process makes the image again.
    await rm(partial, { force: true }).catch(() => {});
  }
}
