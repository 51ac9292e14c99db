import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";

/** A server the benchmark started; stop() ends it and everything it spawned (and only that). */
export interface ServerProcess {
  readonly name: string;
  /** The spawned process (for `pnpm start`, pnpm itself; the Node server is a descendant). */
  readonly pid: number;
  readonly baseUrl: string;
  readonly logPath: string;
  stop(): Promise<void>;
}

export interface StartServerOptions {
  readonly name: string;
  /** Default: this Node binary. */
  readonly command?: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly port: number;
  /** stdout and stderr go here: a file costs the server less than a pipe the bench must drain. */
  readonly logPath: string;
  readonly readyTimeoutMs?: number;
}

function tail(path: string): string {
  try {
    return readFileSync(path, "utf8").split("\n").slice(-30).join("\n");
  } catch {
    return "";
  }
}

/**
 * Spawns the server in a process group of its own and waits until GET /healthz answers 200.
 * stop() signals the whole group, so a wrapper (pnpm, sh) never leaves its server behind.
 */
export async function startServer(options: StartServerOptions): Promise<ServerProcess> {
  const log = openSync(options.logPath, "a");
  const child = spawn(options.command ?? process.execPath, [...options.args], {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", log, log],
    detached: true,
  });
  closeSync(log);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const baseUrl = `http://127.0.0.1:${options.port}`;
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
    try {
      const response = await fetch(`${baseUrl}/healthz`);
      await response.arrayBuffer();
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${options.name} did not become healthy:\n${tail(options.logPath)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  if (child.pid === undefined) throw new Error(`${options.name} has no pid`);
  return { name: options.name, pid: child.pid, baseUrl, logPath: options.logPath, stop };
}
