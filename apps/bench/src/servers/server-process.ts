import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";

/** A process the benchmark started; stop() ends it and everything it spawned (and only that). */
export interface StartedProcess {
  readonly name: string;
  /** The spawned process (for `pnpm start`, pnpm itself; the Node server is a descendant). */
  readonly pid: number;
  readonly logPath: string;
  stop(): Promise<void>;
}

/** A started HTTP server. */
export interface ServerProcess extends StartedProcess {
  readonly baseUrl: string;
}

export interface StartProcessOptions {
  readonly name: string;
  /** Default: this Node binary. */
  readonly command?: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** stdout and stderr go here: a file costs the server less than a pipe the bench must drain. */
  readonly logPath: string;
  readonly readyTimeoutMs?: number;
}

export interface StartServerOptions extends StartProcessOptions {
  readonly port: number;
}

function tail(path: string): string {
  try {
    return readFileSync(path, "utf8").split("\n").slice(-30).join("\n");
  } catch {
    return "";
  }
}

/** Whether the log file holds `text` yet (a process without HTTP says it is ready there). */
export function logContains(path: string, text: string): boolean {
  try {
    return readFileSync(path, "utf8").includes(text);
  } catch {
    return false;
  }
}

/** Spawns a server and waits until GET /healthz answers 200 (see startProcess). */
export async function startServer(options: StartServerOptions): Promise<ServerProcess> {
  const baseUrl = `http://127.0.0.1:${options.port}`;
  const started = await startProcess(options, async () => {
    try {
      const response = await fetch(`${baseUrl}/healthz`);
      await response.arrayBuffer();
      return response.status === 200;
    } catch {
      return false; // not listening yet
    }
  });
  return { ...started, baseUrl };
}

/**
 * Spawns the process in a process group of its own and waits until `ready()` says so. stop()
 * signals the whole group, so a wrapper (pnpm, sh) never leaves its server behind.
 */
export async function startProcess(
  options: StartProcessOptions,
  ready: () => Promise<boolean>,
): Promise<StartedProcess> {
  const log = openSync(options.logPath, "a");
  const child = spawn(options.command ?? process.execPath, [...options.args], {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", log, log],
    detached: true,
  });
  closeSync(log);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // the group is gone already
    }
  };
  const groupAlive = () => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 0);
      return child.pid !== undefined;
    } catch {
      return false;
    }
  };
  const stop = async () => {
    signalGroup("SIGTERM");
    const timer = setTimeout(() => signalGroup("SIGKILL"), 10_000);
    if (child.exitCode === null && child.signalCode === null) await exited;
    // The wrapper may exit before the server it started (which writes e.g. its CPU profile).
    while (groupAlive()) await new Promise((resolve) => setTimeout(resolve, 100));
    clearTimeout(timer);
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 90_000);
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`${options.name} exited with ${child.exitCode}:\n${tail(options.logPath)}`);
    }
    if (await ready()) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${options.name} did not become ready:\n${tail(options.logPath)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  if (child.pid === undefined) throw new Error(`${options.name} has no pid`);
  return { name: options.name, pid: child.pid, logPath: options.logPath, stop };
}
