import { readdirSync, readFileSync, readlinkSync, realpathSync } from "node:fs";

// A server's process tree and its resident memory, read from /proc (Linux).

function children(pid: number): number[] {
  const found: number[] = [];
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").trim();
      if (text) for (const child of text.split(/\s+/)) found.push(Number(child));
    }
  } catch {
    // gone, or no /proc/<pid>/task/<tid>/children on this kernel: count the process alone
  }
  return found;
}

function rssBytes(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** `pid` and all its descendants. */
export function treePids(pid: number): number[] {
  const found: number[] = [];
  const pending = [pid];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    found.push(next);
    pending.push(...children(next));
  }
  return found;
}

const NODE_BINARY = realpathSync(process.execPath);

function isNode(pid: number): boolean {
  try {
    return readlinkSync(`/proc/${pid}/exe`) === NODE_BINARY;
  } catch {
    return false;
  }
}

/**
 * The Node.js processes among `pid` and its descendants: the server itself, without the
 * wrappers that started it (pnpm, sh), whose memory and CPU are not the server's.
 */
export function serverPids(pid: number): number[] {
  return treePids(pid).filter(isNode);
}

/** VmRSS of the server's Node.js processes (serverPids), in bytes. */
export function treeRss(pid: number): number {
  return serverPids(pid).reduce((total, p) => total + rssBytes(p), 0);
}

export interface RssSample {
  /** performance.now() ms. */
  readonly at: number;
  readonly bytes: number;
}

/**
 * Samples treeRss of each of `pids` (summed) every `intervalMs` until stop(), which returns the
 * peak; `samples` keeps every reading, so a long case can report memory over time.
 */
export function sampleRss(
  pids: number | readonly number[],
  intervalMs = 100,
): { stop(): number; readonly samples: readonly RssSample[] } {
  const roots = typeof pids === "number" ? [pids] : pids;
  const samples: RssSample[] = [];
  const read = () => {
    const bytes = roots.reduce((total, pid) => total + treeRss(pid), 0);
    samples.push({ at: performance.now(), bytes });
    return bytes;
  };
  let peak = read();
  const timer = setInterval(() => {
    peak = Math.max(peak, read());
  }, intervalMs);
  return {
    samples,
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, read());
    },
  };
}
