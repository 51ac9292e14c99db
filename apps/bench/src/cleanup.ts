// Everything the benchmark starts or creates registers how to undo it, so a failure or Ctrl-C
// leaves no server or database behind.

type Cleanup = () => Promise<void>;
const cleanups: Cleanup[] = [];

export function onCleanup(fn: Cleanup): void {
  cleanups.push(fn);
}

/** Runs the registered cleanups, newest first, each once; errors are reported, not thrown. */
export async function runCleanups(log: (line: string) => void): Promise<void> {
  for (let fn = cleanups.pop(); fn !== undefined; fn = cleanups.pop()) {
    try {
      await fn();
    } catch (error) {
      log(`cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** `fn` run at most once; later calls share the first call's promise. */
export function once(fn: Cleanup): Cleanup {
  let done: Promise<void> | undefined;
  return () => {
    done ??= fn();
    return done;
  };
}
