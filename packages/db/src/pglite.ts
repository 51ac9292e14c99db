/**
 * Embedded PostgreSQL: PGlite (PostgreSQL compiled to wasm, in this process) served on a loopback
 * port by pglite-socket, so the application reaches it with the same `pg` driver and Prisma
 * adapter as a real server.
 */

import { existsSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join, resolve } from "node:path";
import { keepExtendedQueryGroupsTogether } from "./pglite-wire";
import { processSingleton } from "./process-singleton";

export interface EmbeddedPostgres {
  /** postgresql://postgres@127.0.0.1:<port>/postgres */
  url: string;
  /** The data directory, or null when in memory. */
  dataDir: string | null;
  stop(): Promise<void>;
}

export interface StartEmbeddedPostgresOptions {
  /** Persist under this directory (created with its parents); omit for an in-memory database. */
  dataDir?: string;
  /** Concurrent socket connections accepted (the app pool, the migrator, tools). */
  maxConnections?: number;
  /**
   * Start from this image instead of compiling and running initdb (tests): in memory, or in a
   * `dataDir` that holds no database yet (an existing one is opened as it is).
   */
  image?: PgliteImage;
}

/**
 * What an in-memory PGlite can start from: the compiled wasm module, the file-system bundle and a
 * data directory made by initdb. Without it every start compiles ~9 MB of wasm and runs initdb in
 * a second instance (~4 s of CPU); tests make one per process (`@collab/db/testing`).
 */
export interface PgliteImage {
  readonly pgliteWasmModule: WebAssembly.Module;
  readonly fsBundle: Blob;
  readonly loadDataDir: Blob;
}

/** Data directories opened by this process (shared by every copy of this module). */
function openDirs(): Set<string> {
  return processSingleton("@collab/db/pglite-open-dirs", () => new Set<string>());
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * PGlite has no lock of its own: two processes opening one data directory corrupt it. A lock file
 * beside the directory (`<dataDir>.lock`, holding the owner's pid) refuses the second opener.
 */
function lockDataDir(dataDir: string): () => void {
  const lockPath = `${dataDir}.lock`;
  const dirs = openDirs();
  if (dirs.has(dataDir)) {
    throw new Error(
      `The embedded database at ${dataDir} is already open in this process; share it through getDb().`,
    );
  }
  const content = JSON.stringify({ pid: process.pid, host: hostname() });
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(lockPath, content, { flag: "wx" });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) throw error;
      let owner: { pid?: unknown; host?: unknown } = {};
      try {
        owner = JSON.parse(readFileSync(lockPath, "utf8"));
      } catch {
        // unreadable: treat as stale
      }
      const pid = typeof owner.pid === "number" ? owner.pid : Number.NaN;
      const sameHost = owner.host === undefined || owner.host === hostname();
      // Our own pid without an entry in openDirs is a previous run (e.g. pid 1 in a container).
      if (sameHost && pid !== process.pid && Number.isInteger(pid) && isAlive(pid)) {
        throw new Error(
          `The embedded database at ${dataDir} is in use by process ${pid}. Stop that process ` +
            `(e.g. the dev server) first, or use DATABASE_URL / PGLITE_DATA_DIR. ` +
            `If no such process exists, delete ${lockPath}.`,
        );
      }
      unlinkSync(lockPath);
    }
  }
  dirs.add(dataDir);
  return () => {
    dirs.delete(dataDir);
    try {
      if (JSON.parse(readFileSync(lockPath, "utf8")).pid === process.pid) unlinkSync(lockPath);
    } catch {
      // already gone
    }
  };
}

export async function startEmbeddedPostgres(
  options: StartEmbeddedPostgresOptions = {},
): Promise<EmbeddedPostgres> {
  const dataDir =
    options.dataDir === undefined ? null : resolve(/*turbopackIgnore: true*/ options.dataDir);
  let unlock: (() => void) | undefined;
  if (dataDir !== null) {
    mkdirSync(dirname(dataDir), { recursive: true });
    unlock = lockDataDir(dataDir);
  }
  try {
    // Loaded on demand: deployments on PostgreSQL never load the wasm database.
    const { PGlite } = await import("@electric-sql/pglite");
    const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket");
    const pglite =
      dataDir !== null
        ? await PGlite.create(
            options.image === undefined || existsSync(join(dataDir, "PG_VERSION"))
              ? { dataDir }
              : { dataDir, ...options.image },
          )
        : await PGlite.create(options.image === undefined ? {} : { ...options.image });
    const server = new PGLiteSocketServer({
      db: pglite,
      host: "127.0.0.1",
      port: 0,
      maxConnections: options.maxConnections ?? 16,
    });
    // Several connections share PGlite's one session: keep each query's messages together.
    keepExtendedQueryGroupsTogether(server);
    try {
      await server.start();
    } catch (error) {
      await pglite.close();
      throw error;
    }
    let stopped: Promise<void> | undefined;
    return {
      url: `postgresql://postgres@${server.getServerConn()}/postgres`,
      dataDir,
      stop() {
        stopped ??= (async () => {
          try {
            await server.stop();
            await pglite.close();
          } finally {
            unlock?.();
          }
        })();
        return stopped;
      },
    };
  } catch (error) {
    unlock?.();
    throw error;
  }
}
