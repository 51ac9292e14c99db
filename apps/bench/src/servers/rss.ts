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

/** Samples treeRss every `intervalMs` until stop(), which returns the peak. */
export function sampleRss(pid: number, intervalMs = 100): { stop(): number } {
  let peak = treeRss(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, treeRss(pid));
  }, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, treeRss(pid));
    },
  };
}
