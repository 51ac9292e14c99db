/**
 * A PostgreSQL cluster of a test's own, for fault tests that stop, crash or restart the database
 * (never the shared server). initdb + pg_ctl on a free loopback port, data under a temporary
 * directory; as root (initdb and postgres refuse to run as root) the binaries run as the
 * `postgres` OS user through runuser. Test tooling: nothing in production uses it.
 *
 * ```ts
 * const cluster = await startPostgresCluster();
 * const url = await cluster.createDatabase("collab");   // postgres://postgres@127.0.0.1:<port>/collab
 * await cluster.stop("immediate");                      // a crash: no shutdown checkpoint
 * await cluster.start();                                // same port, same data (crash recovery)
 * await cluster.destroy();                              // stopped and deleted
 * ```
 */
import { execFile, execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { chmod, chown, mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export type PostgresStopMode = "smart" | "fast" | "immediate";

export interface PostgresCluster {
  /** The loopback port it listens on (kept across restarts). */
  readonly port: number;
  /** postgres://postgres@127.0.0.1:<port>/postgres (trust authentication). */
  readonly url: string;
  /** The cluster's data directory. */
  readonly dataDir: string;
  /** The URL of one of its databases. */
  databaseUrl(name: string): string;
  /** Creates a database (a fresh uniquely named one by default) and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Whether the server is up (as far as this module started and stopped it). */
  isRunning(): boolean;
  /** Starts it again after stop(): same port, same data; resolves once it accepts connections. */
  start(): Promise<void>;
  /**
   * Stops it: "immediate" is a crash (every backend killed, crash recovery at the next start),
   * "fast" a clean shutdown that disconnects clients, "smart" waits for them. Resolves once down.
   */
  stop(mode?: PostgresStopMode): Promise<void>;
  /**
   * Freezes every process of the server (SIGSTOP): it keeps its sockets open and accepts TCP
   * connections, but answers nothing — a hung server, unlike a stopped one. resume() thaws it.
   */
  pause(): Promise<void>;
  /** Thaws a paused server (SIGCONT). */
  resume(): Promise<void>;
  /** Stops it (immediately) if it runs, and deletes its files. Idempotent. */
  destroy(): Promise<void>;
  /** The server's log so far (for a failing test's message). */
  serverLog(): Promise<string>;
}

export interface StartPostgresClusterOptions {
  /** Where initdb, pg_ctl and postgres are: POSTGRES_BIN_DIR, else PostgreSQL 15's Debian path. */
  readonly binDir?: string;
  /** Extra server settings (`-c name=value`), e.g. { max_connections: "50" }. */
  readonly settings?: Readonly<Record<string, string>>;
}

const DEFAULT_BIN_DIR = "/usr/lib/postgresql/15/bin";

/** Clusters still running, stopped at once should the test process exit without destroy(). */
const live = new Set<{ stopNow(): void }>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const cluster of live) cluster.stopNow();
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function postgresUser(): Promise<{ uid: number; gid: number } | null> {
  if (process.getuid?.() !== 0) return null; // not root: run the binaries as ourselves
  try {
    const uid = Number((await run("id", ["-u", "postgres"])).stdout.trim());
    const gid = Number((await run("id", ["-g", "postgres"])).stdout.trim());
    return { uid, gid };
  } catch {
    throw new Error(
      "startPostgresCluster: running as root needs a `postgres` OS user (initdb refuses root)",
    );
  }
}

export async function startPostgresCluster(
  options: StartPostgresClusterOptions = {},
): Promise<PostgresCluster> {
  const binDir = options.binDir ?? process.env.POSTGRES_BIN_DIR ?? DEFAULT_BIN_DIR;
  const owner = await postgresUser();
  const root = await mkdtemp(join(tmpdir(), "collab-pg-"));
  const dataDir = join(root, "data");
  const logFile = join(root, "postgres.log");
  if (owner !== null) await chown(root, owner.uid, owner.gid);
  await chmod(root, 0o700);

  /** Runs a PostgreSQL binary, as the postgres user when we are root. */
  const pg = (binary: string, args: readonly string[], timeoutMs = 120_000) => {
    // Not a file the server reads: without the ignore, Next.js's tracing copies the whole
    // repository into the deployable artifact (this module reaches the app via @collab/db's index).
    const path = join(/* turbopackIgnore: true */ binDir, binary);
    const [file, argv] =
      owner === null ? [path, [...args]] : ["runuser", ["-u", "postgres", "--", path, ...args]];
    return run(file, argv, { timeout: timeoutMs, cwd: root });
  };

  await pg("initdb", [
    "-D",
    dataDir,
    "-U",
    "postgres",
    "-A",
    "trust",
    "-E",
    "UTF8",
    "--locale=C",
    "--no-sync",
  ]);

  let port = 0;
  let running = false;
  const serverOptions = () =>
    [
      `-p ${port}`,
      "-c listen_addresses=127.0.0.1",
      `-c unix_socket_directories=${root}`,
      // Test data: no fsync (a crash of the server, not of the machine, loses nothing written).
      "-c fsync=off",
      ...Object.entries(options.settings ?? {}).map(([name, value]) => `-c ${name}=${value}`),
    ].join(" ");
  const startServer = () =>
    pg("pg_ctl", ["-D", dataDir, "-l", logFile, "-w", "-t", "60", "-o", serverOptions(), "start"]);

  /** The postmaster and its children (backends, checkpointer, …): pids from postmaster.pid and /proc. */
  // Synchronous: the exit hook (stopNow) must thaw a paused server before stopping it.
  const serverPids = (): number[] => {
    let postmaster: number;
    try {
      postmaster = Number(readFileSync(join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
    } catch {
      return [];
    }
    if (!Number.isInteger(postmaster) || postmaster <= 0) return [];
    const children: number[] = [];
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      let stat = "";
      try {
        stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      } catch {
        continue; // exited meanwhile
      }
      // Fields after the parenthesised command: state, then the parent's pid.
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (parent === postmaster) children.push(Number(entry));
    }
    return [postmaster, ...children];
  };
  let paused = false;
  const signalServer = (signal: "SIGSTOP" | "SIGCONT") => {
    for (const pid of serverPids()) {
      try {
        process.kill(pid, signal);
      } catch {
        // exited meanwhile
      }
    }
  };

  const handle = {
    stopNow() {
      if (paused) {
        paused = false;
        signalServer("SIGCONT");
      }
      try {
        const args = ["-D", dataDir, "-m", "immediate", "-w", "stop"];
        const path = join(/* turbopackIgnore: true */ binDir, "pg_ctl");
        if (owner === null) execFileSync(path, args, { stdio: "ignore" });
        else execFileSync("runuser", ["-u", "postgres", "--", path, ...args], { stdio: "ignore" });
      } catch {
        // already down
      }
    },
  };

  // A free port may be taken between the probe and the bind: try a few.
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    try {
      await startServer();
      break;
    } catch (error) {
      if (attempt >= 5) {
        const log = await readFile(logFile, "utf8").catch(() => "");
        await rm(root, { recursive: true, force: true });
        throw new Error(`PostgreSQL did not start: ${String(error)}\n${log.slice(-2_000)}`);
      }
    }
  }
  running = true;
  live.add(handle);
  installExitHook();

  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const databaseUrl = (name: string) => `postgres://postgres@127.0.0.1:${port}/${name}`;
  let destroyed: Promise<void> | undefined;

  return {
    port,
    url,
    dataDir,
    databaseUrl,
    async createDatabase(name = `collab_${Date.now().toString(36)}`) {
      if (!/^\w+$/.test(name)) throw new Error(`unexpected database name ${name}`);
      await pg("psql", [
        "-h",
        "127.0.0.1",
        "-p",
        String(port),
        "-U",
        "postgres",
        "-c",
        `CREATE DATABASE "${name}"`,
      ]);
      return databaseUrl(name);
    },
    isRunning: () => running,
    async start() {
      if (running) return;
      await startServer();
      running = true;
      live.add(handle);
    },
    async stop(mode: PostgresStopMode = "fast") {
      if (!running) return;
      await pg("pg_ctl", ["-D", dataDir, "-m", mode, "-w", "-t", "60", "stop"]);
      running = false;
      live.delete(handle);
    },
    async pause() {
      if (!running || paused) return;
      signalServer("SIGSTOP");
      paused = true;
    },
    async resume() {
      if (!paused) return;
      signalServer("SIGCONT");
      paused = false;
    },
    destroy() {
      destroyed ??= (async () => {
        if (paused) signalServer("SIGCONT");
        paused = false;
        if (running) handle.stopNow();
        running = false;
        live.delete(handle);
        await rm(root, { recursive: true, force: true });
      })();
      return destroyed;
    },
    serverLog: () => readFile(logFile, "utf8").catch(() => ""),
  };
}
