import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
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
  const { PGlite } = await import("@electric-sql/pglite");
  const first = await PGlite.create({ pgliteWasmModule, fsBundle });
  try {
    return { pgliteWasmModule, fsBundle, loadDataDir: await first.dumpDataDir("none") };
  } finally {
    await first.close();
  }
}
